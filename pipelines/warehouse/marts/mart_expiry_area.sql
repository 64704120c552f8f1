-- Which areas each contract of the expiry pipeline counts in: by its buyer, in the geography of the financial
-- year the contract ends in (the latest loaded at or before it, so today's for a contract still to end: the
-- authority that will re-let it), else by the published region of its notice (mart_notice_area).
INSERT INTO mart_expiry_area BY NAME
WITH contracts AS (
    SELECT e.contract_id, e.notice_id, e.buyer_id,
           coalesce(
               (SELECT max(v.vintage) FROM _vintages v
                WHERE v.vintage <= year(e.contract_end) - CASE WHEN month(e.contract_end) >= 4 THEN 0 ELSE 1 END),
               (SELECT min(vintage) FROM _vintages)
           ) AS vintage
    FROM mart_expiry_pipeline e
),
by_buyer AS (
    SELECT c.contract_id, a.area_level, a.area_code
    FROM contracts c JOIN bridge_buyer_area a ON a.buyer_id = c.buyer_id AND a.vintage = c.vintage
    WHERE a.area_level <> 'national'
),
by_region AS (
    SELECT c.contract_id, m.area_level, m.area_code
    FROM contracts c JOIN mart_notice_area m USING (notice_id)
    WHERE m.area_level = 'region'
      AND c.contract_id NOT IN (SELECT contract_id FROM by_buyer WHERE area_level = 'region')
)
SELECT contract_id, 'national' AS area_level, $national_code AS area_code FROM contracts
UNION SELECT contract_id, area_level, area_code FROM by_buyer
UNION SELECT contract_id, area_level, area_code FROM by_region
