-- The expiry pipeline in an area: awarded contracts whose end date falls between $today and $horizon_end (both
-- included), IT contracts only when $it_only. A procurement counts once (mart_expiry_pipeline: its newest award
-- notice, so an extension moves its end date; contract_id stays the same, so a calendar event is updated, not
-- doubled); the area is the contract's, in the geography of the year it ends (mart_expiry_area).
SELECT e.contract_id, e.contract_end, e.end_month, e.title, e.buyer_name, e.buyer_display_name, e.buyer_type,
       e.department_name, e.supplier_names, e.incumbent_is_sme,
       CAST(e.value_gbp AS DOUBLE) AS value_gbp, e.value_source, e.is_it, e.it_cpv_group,
       e.contract_start, e.contract_period_source, e.original_contract_end, e.end_date_change,
       e.relet_notice_id, e.relet_published, e.notice_id, e.source, e.url
FROM mart_expiry_pipeline e
JOIN mart_expiry_area m USING (contract_id)
WHERE m.area_level = $area_level AND m.area_code = $area_code
  AND e.contract_end BETWEEN $today AND $horizon_end
  AND (e.is_it OR NOT $it_only)
ORDER BY e.contract_end, e.buyer_name, e.notice_id
