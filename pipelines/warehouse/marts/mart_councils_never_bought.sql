-- Councils with no resolved Digital Marketplace spend in any year, per area they belong to.
INSERT INTO mart_councils_never_bought BY NAME
SELECT ca.area_level, ca.area_code, c.council_id, c.council_name, c.official_name, c.council_type,
       c.region_name, c.ca_name
FROM dim_council c JOIN _council_area ca USING (council_id)
WHERE c.council_id NOT IN (SELECT council_id FROM mart_council_spend_yearly WHERE spend > 0)
