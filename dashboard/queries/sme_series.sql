-- Trend lines a reader can pick: the central government total, then each department lineage
-- (a lineage joins renamed departments, e.g. DCLG, MHCLG and DLUHC), with the years it covers.
SELECT series_id,
       any_value(series_name ORDER BY fy_start_year DESC) AS series_name,
       bool_or(row_type = 'total') AS is_total,
       min(financial_year) AS first_year,
       max(financial_year) AS last_year,
       count(DISTINCT financial_year) AS n_years
FROM mart_sme_share
GROUP BY series_id
ORDER BY is_total DESC, series_name
