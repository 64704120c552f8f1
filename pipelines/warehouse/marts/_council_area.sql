-- Which areas each council counts in.
CREATE TEMP TABLE _council_area AS
SELECT council_id, 'national' AS area_level, $national_code AS area_code FROM dim_council
UNION ALL SELECT council_id, 'region', region_code FROM dim_council WHERE region_code IS NOT NULL
UNION ALL SELECT council_id, 'combined_authority', ca_code FROM dim_council WHERE ca_code IS NOT NULL
UNION ALL SELECT council_id, 'lad', lad_code FROM dim_council WHERE lad_code IS NOT NULL
