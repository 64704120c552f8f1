-- One trend line ($series_id) over a range of financial years: direct, indirect and total SME share.
-- When a lineage has two published rows in a year (FCO and DfID before the FCDO), their £m are added
-- and the shares recomputed as 100 x £m / procurement £m (1 dp, the published precision); a £m sum is
-- only given when every row published that measure. A single row keeps the mart's shares as they are.
WITH rows AS (
    SELECT * FROM mart_sme_share
    WHERE series_id = $series_id AND financial_year BETWEEN $fy_from AND $fy_to
),
summed AS (
    SELECT financial_year,
           min(fy_start_year) AS fy_start_year,
           any_value(series_name) AS series_name,
           count(*) AS n_rows,
           string_agg(department_code, ' + ' ORDER BY department_code) AS published_as,
           CASE WHEN count(total_procurement_spend_m) = count(*) THEN sum(total_procurement_spend_m) END AS procurement_m,
           CASE WHEN count(direct_sme_spend_m) = count(*) THEN sum(direct_sme_spend_m) END AS direct_m,
           CASE WHEN count(indirect_sme_spend_m) = count(*) THEN sum(indirect_sme_spend_m) END AS indirect_m,
           CASE WHEN count(total_sme_spend_m) = count(*) THEN sum(total_sme_spend_m) END AS total_m,
           any_value(direct_pct) AS one_direct_pct,
           any_value(indirect_pct) AS one_indirect_pct,
           any_value(total_pct) AS one_total_pct,
           any_value(aspiration_pct) AS aspiration_pct
    FROM rows
    GROUP BY financial_year
),
shares AS (
    SELECT *,
           CASE WHEN n_rows = 1 THEN one_direct_pct
                WHEN procurement_m > 0 THEN round(100 * direct_m / procurement_m, 1) END AS direct_pct,
           CASE WHEN n_rows = 1 THEN one_indirect_pct
                WHEN procurement_m > 0 THEN round(100 * indirect_m / procurement_m, 1) END AS indirect_pct,
           CASE WHEN n_rows = 1 THEN one_total_pct
                WHEN procurement_m > 0 THEN round(100 * total_m / procurement_m, 1) END AS combined_total_pct
    FROM summed
)
SELECT financial_year,
       fy_start_year,
       series_name,
       n_rows,
       published_as,
       procurement_m AS total_procurement_spend_m,
       direct_m AS direct_sme_spend_m,
       indirect_m AS indirect_sme_spend_m,
       total_m AS total_sme_spend_m,
       direct_pct,
       indirect_pct,
       coalesce(combined_total_pct, direct_pct + indirect_pct) AS total_pct,
       aspiration_pct
FROM shares
ORDER BY fy_start_year
