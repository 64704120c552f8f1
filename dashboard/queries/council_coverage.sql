-- Councils in an area, and how many of them bought through the marketplace in a range of years.
WITH area_councils AS (
    SELECT council_id FROM dim_council
    WHERE $area_level = 'national'
       OR ($area_level = 'region' AND region_code = $area_code)
       OR ($area_level = 'combined_authority' AND ca_code = $area_code)
),
bought AS (
    SELECT DISTINCT council_id FROM mart_council_spend_yearly
    WHERE spend > 0 AND financial_year BETWEEN $fy_from AND $fy_to
)
SELECT count(*) AS n_councils,
       count(b.council_id) AS n_bought
FROM area_councils a LEFT JOIN bought b USING (council_id)
