-- The map: one row per area of the chosen level (every region, every combined authority, or the councils
-- inside the selected area) in the geographies the range of years is shown in (dim_year_vintage), with
-- marketplace measures over the year range and its boundary when there is one; population is the area's in
-- the latest of those geographies that has it. Areas with no spend are kept (spend 0) so the map shows them
-- too. Buying organisations are distinct buyer names after resolution (spelling variants of one council count
-- once) over the whole range. The councils of a selected area count only the years they were in it (in that
-- year's geography), so the map never gives an area spend from a year its council was elsewhere.
WITH vintages AS (
    SELECT DISTINCT vintage FROM dim_year_vintage WHERE financial_year BETWEEN $fy_from AND $fy_to
),
member_years AS (
    SELECT c.lad_code AS area_code, y.financial_year
    FROM dim_year_vintage y
    JOIN bridge_council_area b ON b.vintage = y.vintage
    JOIN dim_council c ON c.council_id = b.council_id
    WHERE c.lad_code IS NOT NULL AND b.area_level = $area_level AND b.area_code = $area_code
      AND y.financial_year BETWEEN $fy_from AND $fy_to
),
counted AS (
    SELECT area_code, financial_year FROM member_years
    WHERE $level = 'lad' AND $area_level <> 'national'
),
in_range AS (
    SELECT area_code, arg_max(population, vintage) AS population
    FROM dim_area_vintage
    WHERE area_level = $level AND vintage IN (SELECT vintage FROM vintages)
    GROUP BY area_code
),
areas AS (
    SELECT d.area_code, d.area_name, r.population, d.longitude, d.latitude
    FROM in_range r JOIN dim_area d ON d.area_level = $level AND d.area_code = r.area_code
    WHERE $level <> 'lad' OR $area_level = 'national' OR d.area_code IN (SELECT area_code FROM member_years)
),
spend AS (
    SELECT area_code, sum(spend) AS spend, sum(sme_spend) AS sme_spend, sum(large_spend) AS large_spend,
           sum(unknown_size_spend) AS unknown_size_spend
    FROM mart_marketplace_yearly
    WHERE area_level = $level AND financial_year BETWEEN $fy_from AND $fy_to
      AND ($level <> 'lad' OR $area_level = 'national' OR (area_code, financial_year) IN (SELECT * FROM counted))
    GROUP BY area_code
),
buyers AS (
    SELECT area_code, count(DISTINCT buyer_name) AS n_buyers
    FROM mart_marketplace_top_buyers
    WHERE area_level = $level AND financial_year BETWEEN $fy_from AND $fy_to
      AND ($level <> 'lad' OR $area_level = 'national' OR (area_code, financial_year) IN (SELECT * FROM counted))
    GROUP BY area_code
),
shapes AS (
    SELECT code AS area_code, geometry
    FROM geo_boundary
    WHERE level = $level
    QUALIFY row_number() OVER (PARTITION BY code ORDER BY vintage DESC) = 1
)
SELECT a.area_code, a.area_name, a.population, a.longitude, a.latitude,
       coalesce(s.spend, 0) AS spend,
       coalesce(s.sme_spend, 0) AS sme_spend,
       coalesce(s.large_spend, 0) AS large_spend,
       coalesce(s.unknown_size_spend, 0) AS unknown_size_spend,
       CASE WHEN s.sme_spend >= 0 AND s.large_spend >= 0 AND s.sme_spend + s.large_spend > 0
            THEN 100 * s.sme_spend / (s.sme_spend + s.large_spend) END AS sme_share_pct,
       CASE WHEN a.population > 0 THEN 1000 * coalesce(s.spend, 0) / a.population END AS spend_per_1000,
       coalesce(b.n_buyers, 0) AS n_buyers,
       a.area_code = $area_code AS is_selected_area,
       g.geometry
FROM areas a
LEFT JOIN spend s USING (area_code)
LEFT JOIN buyers b USING (area_code)
LEFT JOIN shapes g USING (area_code)
ORDER BY a.area_name
