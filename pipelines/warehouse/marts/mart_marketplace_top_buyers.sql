-- Spend per buyer, area (of the year's vintage) and financial year (pages rank them).
INSERT INTO mart_marketplace_top_buyers BY NAME
SELECT a.area_level, a.area_code, m.financial_year, m.buyer_id, b.display_name AS buyer_name, b.org_kind, b.sector,
       sum(m.spend) AS spend, sum(m.sme_spend) AS sme_spend, sum(m.n_transactions) AS n_transactions
FROM _buyer_month m
JOIN dim_year_vintage y USING (financial_year)
JOIN bridge_buyer_area a ON a.buyer_id = m.buyer_id AND a.vintage = y.vintage
JOIN dim_buyer b ON b.buyer_id = m.buyer_id
GROUP BY ALL
