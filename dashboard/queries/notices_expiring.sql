-- The expiring-contracts pipeline: awarded contracts in an area whose end date falls between $today and
-- $horizon_end (both included). A procurement counts once, from its newest notice (is_latest_for_ocid), and only
-- when that notice records an award: a tender's contract period is a plan, not a contract in force.
SELECT f.contract_end, date_trunc('month', f.contract_end)::DATE AS end_month, f.title, f.buyer_name,
       m.buyer_type, f.supplier_names, f.awarded_to_sme,
       CAST(coalesce(f.awarded_value, f.tender_value) AS DOUBLE) AS value_gbp,
       f.contract_start, f.awarded_date, f.region, f.notice_id, f.url
FROM mart_notice_area m
JOIN fact_contract_notice f USING (notice_id)
WHERE m.area_level = $area_level AND m.area_code = $area_code
  AND f.is_latest_for_ocid AND f.awarded_date IS NOT NULL
  AND f.contract_end BETWEEN $today AND $horizon_end
ORDER BY f.contract_end, f.buyer_name, f.notice_id
