-- Marketplace spend by area, month and framework family (areas of the year's vintage, dim_year_vintage);
-- the family's newest months are marked provisional.
INSERT INTO mart_marketplace_monthly BY NAME
SELECT a.area_level, a.area_code, m.month, m.financial_year, m.framework_family,
       sum(m.spend) AS spend, sum(m.sme_spend) AS sme_spend, sum(m.large_spend) AS large_spend,
       sum(m.unknown_size_spend) AS unknown_size_spend, sum(m.n_transactions) AS n_transactions,
       count(DISTINCT m.buyer_id) AS n_buyers,
       bool_or(p.month IS NOT NULL) AS is_provisional
FROM _buyer_month m
JOIN dim_year_vintage y USING (financial_year)
JOIN bridge_buyer_area a ON a.buyer_id = m.buyer_id AND a.vintage = y.vintage
LEFT JOIN _provisional p USING (framework_family, month)
GROUP BY ALL
