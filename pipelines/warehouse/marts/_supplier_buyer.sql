-- Spend per supplier name, buyer and financial year, with how many rows flag the supplier SME or large.
CREATE TEMP TABLE _supplier_buyer AS
WITH by_key AS (
    SELECT f.supplier_id, f.buyer_id, c.financial_year, sum(f.amount)::DECIMAL(18,4) AS spend,
           count(*) AS n_transactions, count(*) FILTER (WHERE c.supplier_is_sme) AS n_sme,
           count(*) FILTER (WHERE NOT c.supplier_is_sme) AS n_large
    FROM fact_marketplace_spend f JOIN dim_spend_code c USING (spend_code_id)
    GROUP BY ALL
)
SELECT s.supplier_name, k.buyer_id, k.financial_year, sum(k.spend) AS spend,
       sum(k.n_transactions) AS n_transactions, sum(k.n_sme) AS n_sme, sum(k.n_large) AS n_large
FROM by_key k JOIN dim_supplier s USING (supplier_id)
GROUP BY ALL
