-- The biggest buyers in one area over a range of financial years (by resolved name, so spelling variants merge).
-- sme_share_pct is of all the buyer's spend (spend whose supplier size is not published counts as not SME).
SELECT buyer_name,
       mode(org_kind) AS org_kind,
       sum(spend) AS spend,
       sum(sme_spend) AS sme_spend,
       CASE WHEN sum(spend) > 0 THEN 100 * sum(sme_spend) / sum(spend) END AS sme_share_pct,
       sum(n_transactions)::BIGINT AS n_transactions
FROM mart_marketplace_top_buyers
WHERE area_level = $area_level AND area_code = $area_code
  AND financial_year BETWEEN $fy_from AND $fy_to
GROUP BY buyer_name
ORDER BY spend DESC, buyer_name
LIMIT $limit
