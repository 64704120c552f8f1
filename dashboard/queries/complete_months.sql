-- Months with marketplace data per financial year (all buyers), to tell complete years from partial ones.
SELECT financial_year, count(DISTINCT month) AS n_months, min(month) AS first_month, max(month) AS last_month
FROM mart_marketplace_monthly
WHERE area_level = 'national'
GROUP BY financial_year
ORDER BY financial_year
