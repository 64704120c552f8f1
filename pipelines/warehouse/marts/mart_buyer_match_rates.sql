-- How many marketplace buyer names, and how much spend, resolved to an organisation, by sector and in all.
INSERT INTO mart_buyer_match_rates BY NAME
WITH b AS (
    SELECT coalesce(sector, '(not stated)') AS sector, match_method, spend
    FROM dim_buyer WHERE n_rows > 0
),
grouped AS (
    SELECT sector, count(*) AS n_names,
           count(*) FILTER (WHERE match_method <> 'unresolved') AS n_resolved,
           count(*) FILTER (WHERE match_method = 'alias') AS n_alias,
           count(*) FILTER (WHERE match_method = 'exact') AS n_exact,
           count(*) FILTER (WHERE match_method = 'fuzzy') AS n_fuzzy,
           count(*) FILTER (WHERE match_method = 'urn_postcode') AS n_urn_postcode,
           sum(spend) AS spend,
           coalesce(sum(spend) FILTER (WHERE match_method <> 'unresolved'), 0) AS spend_resolved
    FROM b GROUP BY ROLLUP (sector)
)
SELECT coalesce(sector, 'All sectors') AS sector, n_names, n_resolved, n_alias, n_exact, n_fuzzy, n_urn_postcode,
       100.0 * n_resolved / n_names AS names_resolved_pct, spend, spend_resolved,
       CASE WHEN spend <> 0 THEN 100.0 * spend_resolved / spend END AS spend_resolved_pct
FROM grouped WHERE n_names > 0
