-- Which areas each buyer counts in: every buyer in national, and in its region, combined authority and district.
INSERT INTO bridge_buyer_area BY NAME
SELECT buyer_id, 'national' AS area_level, $national_code AS area_code FROM dim_buyer
UNION ALL SELECT buyer_id, 'region', region_code FROM dim_buyer WHERE region_code IS NOT NULL
UNION ALL SELECT buyer_id, 'combined_authority', ca_code FROM dim_buyer WHERE ca_code IS NOT NULL
UNION ALL SELECT buyer_id, 'lad', lad_code FROM dim_buyer WHERE lad_code IS NOT NULL
