-- The map: one row per area of the chosen level (every region, every combined authority, or the councils
-- inside the selected area), with marketplace measures over the year range and its boundary when there is one.
-- Areas with no spend are kept (spend 0) so the map shows them too. Buying organisations are distinct buyer
-- names after resolution (spelling variants of one council count once) over the whole range.
WITH areas AS (
    SELECT area_code, area_name, population, longitude, latitude
    FROM dim_area
    WHERE area_level = $level
      AND (
          $level <> 'lad'
          OR $area_level = 'national'
          OR area_code IN (
              SELECT lad_code FROM dim_council
              WHERE lad_code IS NOT NULL
                AND (($area_level = 'region' AND region_code = $area_code)
                  OR ($area_level = 'combined_authority' AND ca_code = $area_code)
                  OR ($area_level = 'lad' AND lad_code = $area_code))
          )
      )
),
spend AS (
    SELECT area_code, sum(spend) AS spend, sum(sme_spend) AS sme_spend, sum(large_spend) AS large_spend,
           sum(unknown_size_spend) AS unknown_size_spend
    FROM mart_marketplace_yearly
    WHERE area_level = $level AND financial_year BETWEEN $fy_from AND $fy_to
    GROUP BY area_code
),
buyers AS (
    SELECT area_code, count(DISTINCT buyer_name) AS n_buyers
    FROM mart_marketplace_top_buyers
    WHERE area_level = $level AND financial_year BETWEEN $fy_from AND $fy_to
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
