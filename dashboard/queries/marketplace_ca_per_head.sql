-- Every combined authority of the geographies a range of financial years is shown in, with its marketplace
-- spend per 1,000 residents over the range (its population in the latest of those geographies that has it;
-- authorities with no spend are kept at 0).
WITH vintages AS (
    SELECT DISTINCT vintage FROM dim_year_vintage WHERE financial_year BETWEEN $fy_from AND $fy_to
),
cas AS (
    SELECT area_code, arg_max(population, vintage) AS population
    FROM dim_area_vintage
    WHERE area_level = 'combined_authority' AND vintage IN (SELECT vintage FROM vintages)
    GROUP BY area_code
)
SELECT d.area_code, d.area_name, c.population,
       coalesce(sum(y.spend), 0) AS spend,
       CASE WHEN c.population > 0 THEN 1000 * coalesce(sum(y.spend), 0) / c.population END AS spend_per_1000
FROM cas c
JOIN dim_area d ON d.area_level = 'combined_authority' AND d.area_code = c.area_code
LEFT JOIN mart_marketplace_yearly y
       ON y.area_level = d.area_level AND y.area_code = d.area_code
      AND y.financial_year BETWEEN $fy_from AND $fy_to
GROUP BY d.area_code, d.area_name, c.population
ORDER BY spend_per_1000 DESC NULLS LAST, d.area_name
