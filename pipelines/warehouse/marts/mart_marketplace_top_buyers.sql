-- Spend per buyer, area and financial year (pages rank them).
INSERT INTO mart_marketplace_top_buyers BY NAME
SELECT a.area_level, a.area_code, m.financial_year, m.buyer_id, b.display_name AS buyer_name, b.org_kind, b.sector,
       sum(m.spend) AS spend, sum(m.sme_spend) AS sme_spend, sum(m.n_transactions) AS n_transactions
FROM _buyer_month m JOIN bridge_buyer_area a USING (buyer_id) JOIN dim_buyer b USING (buyer_id)
GROUP BY ALL
