-- Every area in every vintage the marts apply, with its population and number of councils in that vintage.
-- Districts are today's in every vintage (buyers resolve to today's councils); regions and combined
-- authorities are each vintage's own.
INSERT INTO dim_area_vintage BY NAME
WITH councils AS (
    SELECT vintage, area_level, area_code, count(DISTINCT council_id) AS n_councils
    FROM bridge_council_area GROUP BY ALL
),
areas AS (
    SELECT 'national' AS area_level, $national_code AS area_code, vintage, NULL::BIGINT AS population
    FROM _vintages
    UNION ALL
    SELECT 'region', r.region_code, r.vintage, r.population FROM dim_region r JOIN _vintages USING (vintage)
    UNION ALL
    SELECT 'combined_authority', a.ca_code, a.vintage, a.population
    FROM dim_combined_authority a JOIN _vintages USING (vintage)
    UNION ALL
    SELECT 'lad', l.lad_code, v.vintage, l.population FROM _lad l CROSS JOIN _vintages v
)
SELECT a.area_level, a.area_code, a.vintage, a.population, coalesce(c.n_councils, 0) AS n_councils
FROM areas a LEFT JOIN councils c USING (area_level, area_code, vintage)
