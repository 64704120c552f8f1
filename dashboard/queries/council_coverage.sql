-- Councils in an area, and how many of them bought through the marketplace in a range of years: a council
-- counts when it was in the area in the geography of some year in the range (dim_year_vintage), and as having
-- bought when it bought in a year it was in the area.
WITH years AS (
    SELECT financial_year, vintage FROM dim_year_vintage WHERE financial_year BETWEEN $fy_from AND $fy_to
),
membership AS (
    SELECT council_id, vintage FROM bridge_council_area
    WHERE area_level = $area_level AND area_code = $area_code
),
area_councils AS (
    SELECT DISTINCT council_id FROM membership WHERE vintage IN (SELECT vintage FROM years)
),
bought AS (
    SELECT DISTINCT s.council_id
    FROM mart_council_spend_yearly s
    JOIN years y USING (financial_year)
    JOIN membership m ON m.council_id = s.council_id AND m.vintage = y.vintage
    WHERE s.spend > 0
)
SELECT count(*) AS n_councils,
       count(b.council_id) AS n_bought
FROM area_councils a LEFT JOIN bought b USING (council_id)
