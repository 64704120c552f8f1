-- Spend per buyer, month and framework family, split by supplier size: the base of the spend marts.
-- Sums stay exact (DECIMAL) until a mart stores them; each mart value is converted to DOUBLE once, at the end.
CREATE TEMP TABLE _buyer_month AS
SELECT f.buyer_id, c.month, c.financial_year, c.framework_family,
       sum(f.amount)::DECIMAL(18,4) AS spend,
       coalesce(sum(f.amount) FILTER (WHERE c.supplier_is_sme), 0)::DECIMAL(18,4) AS sme_spend,
       coalesce(sum(f.amount) FILTER (WHERE NOT c.supplier_is_sme), 0)::DECIMAL(18,4) AS large_spend,
       coalesce(sum(f.amount) FILTER (WHERE c.supplier_is_sme IS NULL), 0)::DECIMAL(18,4) AS unknown_size_spend,
       count(*) AS n_transactions
FROM fact_marketplace_spend f JOIN dim_spend_code c USING (spend_code_id)
GROUP BY ALL
