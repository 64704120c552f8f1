-- Each district code a council or buyer carries (today's codes), in every vintage: its region and combined
-- authority then. A code absent from a vintage (a district re-coded since) keeps today's region, and today's
-- combined authority only where that authority existed in that vintage. `known`: the code is in some vintage.
CREATE TEMP TABLE _lad_area AS
WITH codes AS (
    SELECT lad_code FROM dim_council WHERE lad_code IS NOT NULL
    UNION SELECT lad_code FROM dim_buyer WHERE lad_code IS NOT NULL
)
SELECT c.lad_code, v.vintage,
       CASE WHEN l.lad_code IS NOT NULL THEN l.region_code ELSE t.region_code END AS region_code,
       CASE WHEN l.lad_code IS NOT NULL THEN l.ca_code
            WHEN t.ca_code IN (SELECT a.ca_code FROM dim_combined_authority a WHERE a.vintage = v.vintage)
                THEN t.ca_code
       END AS ca_code,
       l.lad_code IS NOT NULL OR t.lad_code IS NOT NULL AS known
FROM codes c CROSS JOIN _vintages v
LEFT JOIN dim_lad l ON l.lad_code = c.lad_code AND l.vintage = v.vintage
LEFT JOIN _lad t ON t.lad_code = c.lad_code
