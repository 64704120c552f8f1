-- One financial year's annex exactly as published: every row (departments, Other, the total) with
-- every measure, in the order of the file. Percentages here are the published ones (null if not).
SELECT financial_year,
       department_code,
       coalesce(department_name, series_name) AS department,
       row_type,
       total_procurement_spend_m,
       direct_sme_spend_m,
       direct_sme_pct,
       indirect_sme_spend_m,
       indirect_sme_pct,
       total_sme_spend_m,
       total_sme_pct,
       suppliers_invited,
       supplier_responses,
       supplier_response_rate_pct,
       responding_revenue_pct_of_spend,
       source_file
FROM fact_sme_spend
WHERE financial_year = $year
ORDER BY source_line
