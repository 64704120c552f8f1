-- Every combined authority's marketplace spend per 1,000 residents over a range of financial years
-- (today's population for every year; authorities with no spend are kept at 0).
SELECT d.area_code, d.area_name, d.population,
       coalesce(sum(y.spend), 0) AS spend,
       CASE WHEN d.population > 0 THEN 1000 * coalesce(sum(y.spend), 0) / d.population END AS spend_per_1000
FROM dim_area d
LEFT JOIN mart_marketplace_yearly y
       ON y.area_level = d.area_level AND y.area_code = d.area_code
      AND y.financial_year BETWEEN $fy_from AND $fy_to
WHERE d.area_level = 'combined_authority'
GROUP BY d.area_code, d.area_name, d.population
ORDER BY spend_per_1000 DESC NULLS LAST, d.area_name
