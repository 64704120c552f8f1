-- Contracts Finder notices published per month in an area and a range of financial years, by buyer type.
-- Every notice counts (tender, award, amendment...): this is publishing activity, not procurements.
SELECT f.published_month, f.financial_year, m.buyer_type, count(*) AS notices
FROM mart_notice_area m
JOIN fact_contract_notice f USING (notice_id)
WHERE m.area_level = $area_level AND m.area_code = $area_code
  AND f.financial_year BETWEEN $fy_from AND $fy_to
GROUP BY ALL
ORDER BY f.published_month, m.buyer_type
