-- Every council's region and combined authority in every vintage: a district's from _lad_area (its own codes
-- when no lookup knows it); a county's region is its own, its combined authority the one all its districts were
-- in that vintage (none when they were split between authorities or outside one), as dim_council does today.
CREATE TEMP TABLE _council_geo AS
SELECT c.council_id, la.vintage, c.lad_code,
       CASE WHEN la.known THEN la.region_code ELSE c.region_code END AS region_code,
       CASE WHEN la.known THEN la.ca_code ELSE c.ca_code END AS ca_code
FROM dim_council c JOIN _lad_area la USING (lad_code)
UNION ALL
SELECT c.council_id, v.vintage, NULL, c.region_code,
       CASE WHEN d.n > 0 AND d.n_in_ca = d.n AND d.n_ca = 1 THEN d.ca_code
            WHEN d.n IS NULL THEN c.ca_code END
FROM dim_council c CROSS JOIN _vintages v
LEFT JOIN (
    SELECT d.county_code, g.vintage, count(*) AS n, count(g.ca_code) AS n_in_ca,
           count(DISTINCT g.ca_code) AS n_ca, min(g.ca_code) AS ca_code
    FROM dim_council d
    JOIN _lad_area g ON g.lad_code = d.lad_code
    WHERE d.county_code IS NOT NULL
    GROUP BY ALL
) d ON d.county_code = c.council_id AND d.vintage = v.vintage
WHERE c.lad_code IS NULL
