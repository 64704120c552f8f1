-- Central government's total SME share in the two latest years with an annex (total rows).
SELECT financial_year, total_pct, direct_pct, indirect_pct, total_sme_spend_m, total_procurement_spend_m, aspiration_pct
FROM mart_sme_share
WHERE row_type = 'total'
ORDER BY financial_year DESC
LIMIT 2
