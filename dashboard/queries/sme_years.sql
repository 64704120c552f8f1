-- Financial years with an SME annex loaded, oldest first, with how many departments each ranks
-- and whether the central government total was published (drives the year picker and the empty state).
SELECT financial_year,
       min(fy_start_year) AS fy_start_year,
       count(*) FILTER (WHERE row_type = 'department') AS n_departments,
       bool_or(row_type = 'total') AS has_total
FROM mart_sme_share
GROUP BY financial_year
ORDER BY fy_start_year
