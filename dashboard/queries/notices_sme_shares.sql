-- Per financial year in an area: notices marked suitable for SMEs (of all notices) and awards won by SMEs
-- (of the award notices that say whether the supplier is an SME).
SELECT f.financial_year,
       count(*) AS notices,
       count(*) FILTER (WHERE f.suitable_for_sme) AS suitable_for_sme,
       count(f.awarded_to_sme) AS awards_size_stated,
       count(*) FILTER (WHERE f.awarded_to_sme) AS awarded_to_sme,
       100.0 * count(*) FILTER (WHERE f.suitable_for_sme) / count(*) AS suitable_pct,
       100.0 * count(*) FILTER (WHERE f.awarded_to_sme) / nullif(count(f.awarded_to_sme), 0) AS awarded_sme_pct
FROM mart_notice_area m
JOIN fact_contract_notice f USING (notice_id)
WHERE m.area_level = $area_level AND m.area_code = $area_code
  AND f.financial_year BETWEEN $fy_from AND $fy_to
GROUP BY f.financial_year
ORDER BY f.financial_year
