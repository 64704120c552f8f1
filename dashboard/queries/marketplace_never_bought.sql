-- Councils in one area with no resolved Digital Marketplace spend in any year of the published data,
-- with the number of councils in the area for context.
SELECT n.council_id, n.council_name, n.official_name, n.council_type, n.region_name, n.ca_name,
       (SELECT max(d.n_councils) FROM dim_area d WHERE d.area_level = $area_level AND d.area_code = $area_code)
           AS councils_in_area
FROM mart_councils_never_bought n
WHERE n.area_level = $area_level AND n.area_code = $area_code
ORDER BY n.council_name
