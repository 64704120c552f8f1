-- Marketplace spend in one area per financial year within a range.
SELECT financial_year, spend, sme_spend, large_spend, unknown_size_spend, sme_share_pct, n_buyers,
       n_councils_buying, n_councils_total, population, spend_per_1000, includes_provisional
FROM mart_marketplace_yearly
WHERE area_level = $area_level AND area_code = $area_code
  AND financial_year BETWEEN $fy_from AND $fy_to
ORDER BY financial_year
