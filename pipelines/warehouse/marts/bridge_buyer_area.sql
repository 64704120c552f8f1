-- Which areas each buyer counts in, vintage by vintage: every buyer in national; a council in its areas of
-- that vintage (_council_geo); a buyer placed in a district (by postcode) in that district's areas then;
-- any other buyer (a combined authority itself, a functional body) in the areas it names, whatever the vintage.
INSERT INTO bridge_buyer_area BY NAME
WITH geo AS (
    SELECT b.buyer_id, v.vintage, b.lad_code,
           CASE WHEN g.council_id IS NOT NULL THEN g.region_code WHEN la.known THEN la.region_code
                ELSE b.region_code END AS region_code,
           CASE WHEN g.council_id IS NOT NULL THEN g.ca_code WHEN la.known THEN la.ca_code
                ELSE b.ca_code END AS ca_code
    FROM dim_buyer b CROSS JOIN _vintages v
    LEFT JOIN _council_geo g ON b.org_kind = 'council' AND g.council_id = b.org_code AND g.vintage = v.vintage
    LEFT JOIN _lad_area la ON la.lad_code = b.lad_code AND la.vintage = v.vintage
)
SELECT buyer_id, vintage, 'national' AS area_level, $national_code AS area_code FROM geo
UNION ALL SELECT buyer_id, vintage, 'region', region_code FROM geo WHERE region_code IS NOT NULL
UNION ALL SELECT buyer_id, vintage, 'combined_authority', ca_code FROM geo WHERE ca_code IS NOT NULL
UNION ALL SELECT buyer_id, vintage, 'lad', lad_code FROM geo WHERE lad_code IS NOT NULL
