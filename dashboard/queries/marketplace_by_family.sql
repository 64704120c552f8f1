-- Spend in one area by framework family (G-Cloud / DOS) per financial year or per month ($period = 'year' | 'month');
-- provisional: the period holds one of the family's newest months, which late returns still revise.
SELECT CASE WHEN $period = 'month' THEN strftime(month, '%Y-%m') ELSE financial_year END AS period,
       min(month) AS period_start,
       framework_family,
       sum(spend) AS spend,
       sum(sme_spend) AS sme_spend,
       sum(n_transactions)::BIGINT AS n_transactions,
       bool_or(is_provisional) AS provisional
FROM mart_marketplace_monthly
WHERE area_level = $area_level AND area_code = $area_code
  AND financial_year BETWEEN $fy_from AND $fy_to
GROUP BY 1, framework_family
ORDER BY period_start, framework_family
