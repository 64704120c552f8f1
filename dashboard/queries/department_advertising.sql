-- Central government departments over a range of financial years: how they advertise on Contracts Finder
-- (notices, share suitable for SMEs, share of awards won by SMEs where size is stated), beside the SME spend
-- share of the latest year published up to $fy_to and whether a minister held a digital post in the range.
WITH in_range AS (
    SELECT * FROM mart_department_advertising WHERE financial_year BETWEEN $fy_from AND $fy_to
),
latest_sme AS (
    SELECT lineage_id, arg_max(sme_spend_pct, financial_year) AS sme_spend_pct,
           arg_max(sme_spend_year, financial_year) AS sme_spend_year
    FROM in_range GROUP BY lineage_id
)
SELECT r.lineage_id,
       arg_max(r.department_name, r.financial_year) AS department_name,
       sum(r.notices)::BIGINT AS notices,
       sum(r.it_notices)::BIGINT AS it_notices,
       100.0 * sum(r.suitable_for_sme) / sum(r.notices) AS suitable_pct,
       sum(r.awards_size_stated)::BIGINT AS awards_size_stated,
       100.0 * sum(r.awarded_to_sme) / nullif(sum(r.awards_size_stated), 0) AS awarded_sme_pct,
       s.sme_spend_pct, s.sme_spend_year,
       bool_or(r.has_digital_minister) AS has_digital_minister,
       array_to_string(list_sort(list_distinct(flatten(list(string_split(r.digital_posts, ' / '))))), ' / ')
           AS digital_posts
FROM in_range r
JOIN latest_sme s USING (lineage_id)
GROUP BY r.lineage_id, s.sme_spend_pct, s.sme_spend_year
ORDER BY notices DESC, department_name
