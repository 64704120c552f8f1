-- Marketplace spend by area and financial year, with SME share, buyers, councils buying and spend per head;
-- a year holding a provisional month says so.
INSERT INTO mart_marketplace_yearly BY NAME
WITH spend AS (
    SELECT a.area_level, a.area_code, m.financial_year,
           sum(m.spend) AS spend, sum(m.sme_spend) AS sme_spend, sum(m.large_spend) AS large_spend,
           sum(m.unknown_size_spend) AS unknown_size_spend, sum(m.n_transactions) AS n_transactions,
           count(DISTINCT m.buyer_id) AS n_buyers
    FROM _buyer_month m JOIN bridge_buyer_area a USING (buyer_id)
    GROUP BY ALL
),
buying AS (
    SELECT ca.area_level, ca.area_code, y.financial_year, count(DISTINCT y.council_id) AS n_councils_buying
    FROM mart_council_spend_yearly y JOIN _council_area ca USING (council_id)
    WHERE y.spend > 0
    GROUP BY ALL
)
SELECT s.area_level, s.area_code, d.area_name, s.financial_year, s.spend, s.sme_spend, s.large_spend,
       s.unknown_size_spend, s.n_transactions, s.n_buyers,
       CASE WHEN s.sme_spend >= 0 AND s.large_spend >= 0 AND s.sme_spend + s.large_spend > 0
            THEN round(100 * s.sme_spend / (s.sme_spend + s.large_spend), 4) END AS sme_share_pct,
       coalesce(b.n_councils_buying, 0) AS n_councils_buying, d.n_councils AS n_councils_total, d.population,
       CASE WHEN d.population > 0 THEN 1000 * s.spend / d.population END AS spend_per_1000,
       s.financial_year IN (SELECT financial_year FROM _provisional) AS includes_provisional
FROM spend s
JOIN dim_area d USING (area_level, area_code)
LEFT JOIN buying b USING (area_level, area_code, financial_year)
