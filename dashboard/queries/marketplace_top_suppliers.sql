-- The biggest suppliers to buyers in one area over a range of financial years. A supplier's size is the one
-- stated in the latest year of the range that states it (null when no year does).
SELECT supplier_name,
       arg_max(supplier_is_sme, financial_year) FILTER (WHERE supplier_is_sme IS NOT NULL) AS supplier_is_sme,
       sum(spend) AS spend,
       sum(n_transactions)::BIGINT AS n_transactions
FROM mart_marketplace_top_suppliers
WHERE area_level = $area_level AND area_code = $area_code
  AND financial_year BETWEEN $fy_from AND $fy_to
GROUP BY supplier_name
ORDER BY spend DESC, supplier_name
LIMIT $limit
