-- Marketplace spend per council and financial year (councils that bought).
INSERT INTO mart_council_spend_yearly BY NAME
SELECT b.org_code AS council_id, m.financial_year, sum(m.spend) AS spend, sum(m.n_transactions) AS n_transactions
FROM _buyer_month m JOIN dim_buyer b USING (buyer_id)
WHERE b.org_kind = 'council' AND b.org_code IN (SELECT council_id FROM dim_council)
GROUP BY ALL
