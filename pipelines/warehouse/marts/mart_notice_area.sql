-- Which areas each Contracts Finder notice counts in: by its resolved buyer (areas of the vintage of the year
-- it was published in), else by its published region.
INSERT INTO mart_notice_area BY NAME
WITH n AS (
    SELECT f.notice_id, f.financial_year, b.buyer_id, b.org_kind, f.region
    FROM fact_contract_notice f LEFT JOIN dim_buyer b ON b.buyer_name = f.buyer_name
),
typed AS (
    SELECT notice_id, financial_year, buyer_id, region,
           CASE WHEN org_kind IS NULL OR org_kind = 'unresolved' THEN 'other' ELSE org_kind END AS buyer_type
    FROM n
),
by_buyer AS (
    SELECT t.notice_id, a.area_level, a.area_code, t.buyer_type
    FROM typed t
    JOIN dim_year_vintage y USING (financial_year)
    JOIN bridge_buyer_area a ON a.buyer_id = t.buyer_id AND a.vintage = y.vintage
    WHERE a.area_level <> 'national'
),
by_region AS (
    SELECT t.notice_id, 'region' AS area_level, r.region_code AS area_code, t.buyer_type
    FROM typed t JOIN _region r ON lower(trim(t.region)) = lower(r.region_name)
    WHERE t.notice_id NOT IN (SELECT notice_id FROM by_buyer WHERE area_level = 'region')
)
SELECT notice_id, 'national' AS area_level, $national_code AS area_code, buyer_type FROM typed
UNION SELECT notice_id, area_level, area_code, buyer_type FROM by_buyer
UNION SELECT notice_id, area_level, area_code, buyer_type FROM by_region
