-- Every area a user can pick: national, each region, combined authority and district of any vintage the marts
-- apply, described as in the latest vintage that has it (population, centroid, councils in it).
INSERT INTO dim_area BY NAME
WITH latest AS (
    SELECT area_level, area_code, max(vintage) AS vintage FROM dim_area_vintage GROUP BY ALL
),
described AS (
    SELECT 'national' AS area_level, $national_code AS area_code, vintage, $national_name AS area_name,
           NULL AS parent_code, -1.5 AS longitude, 53.0 AS latitude
    FROM _vintages
    UNION ALL
    SELECT 'region', region_code, vintage, region_name, NULL, longitude, latitude FROM dim_region
    UNION ALL
    SELECT 'combined_authority', a.ca_code, a.vintage, a.ca_name,
           (SELECT min(l.region_code) FROM dim_lad l WHERE l.ca_code = a.ca_code AND l.vintage = a.vintage),
           a.longitude, a.latitude
    FROM dim_combined_authority a
    UNION ALL
    SELECT 'lad', l.lad_code, v.vintage, l.lad_name, l.region_code, l.longitude, l.latitude
    FROM _lad l CROSS JOIN _vintages v
)
SELECT t.area_level, t.area_code, d.area_name, d.parent_code, t.vintage, v.population, d.longitude, d.latitude,
       v.n_councils
FROM latest t
JOIN described d USING (area_level, area_code, vintage)
JOIN dim_area_vintage v USING (area_level, area_code, vintage)
