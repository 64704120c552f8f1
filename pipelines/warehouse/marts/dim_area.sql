-- Every area a user can pick: national, each region, combined authority and district, with population,
-- centroid and the number of councils in it.
INSERT INTO dim_area BY NAME
SELECT 'national' AS area_level, $national_code AS area_code, $national_name AS area_name,
       NULL AS parent_code, (SELECT max(vintage) FROM _lad) AS vintage, NULL AS population,
       -1.5 AS longitude, 53.0 AS latitude, (SELECT count(*) FROM dim_council) AS n_councils
UNION ALL
SELECT 'region', r.region_code, r.region_name, NULL, r.vintage, r.population, r.longitude, r.latitude,
       (SELECT count(*) FROM dim_council c WHERE c.region_code = r.region_code)
FROM _region r
UNION ALL
SELECT 'combined_authority', a.ca_code, a.ca_name,
       (SELECT min(l.region_code) FROM _lad l WHERE l.ca_code = a.ca_code), a.vintage, a.population,
       a.longitude, a.latitude, (SELECT count(*) FROM dim_council c WHERE c.ca_code = a.ca_code)
FROM _ca a
UNION ALL
SELECT 'lad', l.lad_code, l.lad_name, l.region_code, l.vintage, l.population, l.longitude, l.latitude, 1
FROM _lad l
