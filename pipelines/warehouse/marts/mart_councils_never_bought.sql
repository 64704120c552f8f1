-- Councils with no resolved Digital Marketplace spend in any year, per area they belong to in the latest vintage
-- that has the area (today's for a current area; its last for an abolished one).
INSERT INTO mart_councils_never_bought BY NAME
SELECT b.area_level, b.area_code, c.council_id, c.council_name, c.official_name, c.council_type,
       c.region_name, c.ca_name
FROM dim_council c
JOIN bridge_council_area b USING (council_id)
JOIN dim_area d ON d.area_level = b.area_level AND d.area_code = b.area_code AND d.vintage = b.vintage
WHERE c.council_id NOT IN (SELECT council_id FROM mart_council_spend_yearly WHERE spend > 0)
