-- Spend per supplier, area (of the year's vintage) and financial year (pages rank them); SME when most of its
-- rows say so.
INSERT INTO mart_marketplace_top_suppliers BY NAME
SELECT a.area_level, a.area_code, s.financial_year, s.supplier_name,
       CASE WHEN sum(s.n_sme) + sum(s.n_large) = 0 THEN NULL ELSE sum(s.n_sme) >= sum(s.n_large) END
           AS supplier_is_sme,
       sum(s.spend) AS spend, count(DISTINCT s.buyer_id) AS n_buyers, sum(s.n_transactions) AS n_transactions
FROM _supplier_buyer s
JOIN dim_year_vintage y USING (financial_year)
JOIN bridge_buyer_area a ON a.buyer_id = s.buyer_id AND a.vintage = y.vintage
GROUP BY ALL
