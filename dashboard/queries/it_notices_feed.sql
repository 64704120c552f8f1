-- The newest IT notices in an area (the Atom feed): every IT notice, newest first, at most $limit.
SELECT f.notice_id, f.title, f.description, f.buyer_name, f.notice_type, f.published_date, f.deadline_date,
       CAST(coalesce(f.awarded_value, f.tender_value) AS DOUBLE) AS value_gbp, f.it_cpv_group, f.it_cpv_code,
       f.supplier_names, f.url
FROM fact_contract_notice f
JOIN mart_notice_area m USING (notice_id)
WHERE m.area_level = $area_level AND m.area_code = $area_code AND f.is_it
ORDER BY f.published_date DESC, f.notice_id
LIMIT $limit
