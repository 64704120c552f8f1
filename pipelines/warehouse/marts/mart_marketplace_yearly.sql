-- Marketplace spend by area and financial year, with SME share, buyers, councils buying and spend per head;
-- areas, their councils and their population are those of the year's vintage (dim_year_vintage; an area's
-- latest when that vintage does not describe it); a year holding a provisional month says so.
INSERT INTO mart_marketplace_yearly BY NAME
WITH spend AS (
    SELECT a.area_level, a.area_code, m.financial_year, y.vintage,
           sum(m.spend) AS spend, sum(m.sme_spend) AS sme_spend, sum(m.large_spend) AS large_spend,
           sum(m.unknown_size_spend) AS unknown_size_spend, sum(m.n_transactions) AS n_transactions,
           count(DISTINCT m.buyer_id) AS n_buyers
    FROM _buyer_month m
    JOIN dim_year_vintage y USING (financial_year)
    JOIN bridge_buyer_area a ON a.buyer_id = m.buyer_id AND a.vintage = y.vintage
    GROUP BY ALL
),
buying AS (
    SELECT ca.area_level, ca.area_code, s.financial_year, count(DISTINCT s.council_id) AS n_councils_buying
    FROM mart_council_spend_yearly s
    JOIN dim_year_vintage y USING (financial_year)
    JOIN bridge_council_area ca ON ca.council_id = s.council_id AND ca.vintage = y.vintage
    WHERE s.spend > 0
    GROUP BY ALL
),
areas AS (
    SELECT s.*, coalesce(v.n_councils, d.n_councils) AS n_councils, coalesce(v.population, d.population) AS population,
           d.area_name
    FROM spend s
    JOIN dim_area d ON d.area_level = s.area_level AND d.area_code = s.area_code
    LEFT JOIN dim_area_vintage v
           ON v.area_level = s.area_level AND v.area_code = s.area_code AND v.vintage = s.vintage
)
SELECT s.area_level, s.area_code, s.area_name, s.financial_year, s.spend, s.sme_spend, s.large_spend,
       s.unknown_size_spend, s.n_transactions, s.n_buyers,
       CASE WHEN s.sme_spend >= 0 AND s.large_spend >= 0 AND s.sme_spend + s.large_spend > 0
            THEN round(100 * s.sme_spend / (s.sme_spend + s.large_spend), 4) END AS sme_share_pct,
       coalesce(b.n_councils_buying, 0) AS n_councils_buying, s.n_councils AS n_councils_total, s.population,
       CASE WHEN s.population > 0 THEN 1000 * s.spend / s.population END AS spend_per_1000,
       s.financial_year IN (SELECT financial_year FROM _provisional) AS includes_provisional
FROM areas s
LEFT JOIN buying b USING (area_level, area_code, financial_year)
