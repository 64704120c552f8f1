-- Spend per buyer, month and framework family, split by supplier size: the base of the spend marts.
CREATE TEMP TABLE _buyer_month AS
SELECT f.buyer_id, c.month, c.financial_year, c.framework_family,
       sum(f.amount)::DOUBLE AS spend,
       coalesce(sum(f.amount) FILTER (WHERE c.supplier_is_sme), 0)::DOUBLE AS sme_spend,
       coalesce(sum(f.amount) FILTER (WHERE NOT c.supplier_is_sme), 0)::DOUBLE AS large_spend,
       coalesce(sum(f.amount) FILTER (WHERE c.supplier_is_sme IS NULL), 0)::DOUBLE AS unknown_size_spend,
       count(*) AS n_transactions
FROM fact_marketplace_spend f JOIN dim_spend_code c USING (spend_code_id)
GROUP BY ALL
