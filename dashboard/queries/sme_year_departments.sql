-- One financial year: every department as published, ranked by total SME share, plus the central
-- government total row (row_type = 'total'). The reference name of the department that year comes
-- from the fact (same key: financial_year, department_code); both tables hold annex rows only.
SELECT m.row_type,
       m.rank_in_year,
       coalesce(f.department_name, m.series_name) AS department,
       m.department_code,
       m.series_id,
       m.series_name,
       m.total_procurement_spend_m,
       m.direct_sme_spend_m,
       m.indirect_sme_spend_m,
       m.total_sme_spend_m,
       m.direct_pct,
       m.indirect_pct,
       m.total_pct,
       m.aspiration_pct,
       m.gap_pp,
       m.meets_aspiration,
       m.pct_recomputed
FROM mart_sme_share m
LEFT JOIN fact_sme_spend f USING (financial_year, department_code)
WHERE m.financial_year = $year
ORDER BY m.row_type = 'total' DESC, m.rank_in_year, department
