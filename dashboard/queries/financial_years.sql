-- Every financial year any page has data for, oldest first.
SELECT financial_year FROM (
    SELECT DISTINCT financial_year FROM mart_marketplace_yearly
    UNION SELECT DISTINCT financial_year FROM mart_sme_share
    UNION SELECT DISTINCT financial_year FROM fact_contract_notice WHERE financial_year IS NOT NULL
)
ORDER BY financial_year
