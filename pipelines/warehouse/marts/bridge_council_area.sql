-- Which areas each council counts in, vintage by vintage.
INSERT INTO bridge_council_area BY NAME
SELECT council_id, vintage, 'national' AS area_level, $national_code AS area_code FROM _council_geo
UNION ALL SELECT council_id, vintage, 'region', region_code FROM _council_geo WHERE region_code IS NOT NULL
UNION ALL SELECT council_id, vintage, 'combined_authority', ca_code FROM _council_geo WHERE ca_code IS NOT NULL
UNION ALL SELECT council_id, vintage, 'lad', lad_code FROM _council_geo WHERE lad_code IS NOT NULL
