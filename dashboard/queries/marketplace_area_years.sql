-- Marketplace spend in one area per financial year within a range; n_months: the months of the year the data has
-- (all buyers), so a part year is never set against a full one without saying so.
SELECT financial_year, spend, sme_spend, large_spend, unknown_size_spend, sme_share_pct, n_buyers,
       n_councils_buying, n_councils_total, population, spend_per_1000, includes_provisional,
       (SELECT count(DISTINCT m.month) FROM mart_marketplace_monthly m
        WHERE m.area_level = 'national' AND m.financial_year = y.financial_year) AS n_months
FROM mart_marketplace_yearly y
WHERE area_level = $area_level AND area_code = $area_code
  AND financial_year BETWEEN $fy_from AND $fy_to
ORDER BY financial_year
