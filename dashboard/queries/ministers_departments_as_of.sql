-- Every organisation with a minister in post on $as_of, and its ministers holding digital posts (one row each;
-- one with none has one row with null minister columns). Organisations are lineages (DCMS through its renames),
-- named as IfG recorded the organisation on the date; in post = started on or before the date and not ended by
-- it, the same rule as departments_without_digital_minister.sql. is_department is false for the whips' offices,
-- the Prime Minister's Office and the rest of NOT_MINISTERIAL_DEPARTMENTS: the page shows those apart.
WITH in_post AS (
    SELECT * FROM fact_ministerial_appointment
    WHERE start_date <= $as_of AND (end_date IS NULL OR end_date > $as_of)
),
departments AS (
    SELECT lineage_id,
           arg_max(coalesce(organisation_name, lineage_name), start_date) AS department,
           arg_max(department_id, start_date) AS department_id,
           count(DISTINCT person_id) AS n_ministers,
           bool_or(is_ministerial_department) AS is_department
    FROM in_post
    GROUP BY lineage_id
)
SELECT d.lineage_id, d.department_id, d.department, d.n_ministers, d.is_department,
       a.person_name, a.post_name, a.rank_equivalence, a.rank_value, a.start_date, a.end_date,
       a.digital_rule, a.digital_evidence, a.digital_evidence_date, a.digital_evidence_url
FROM departments d
LEFT JOIN in_post a ON a.lineage_id = d.lineage_id AND a.is_digital
ORDER BY a.person_name IS NOT NULL, d.department, a.rank_value, a.person_name, a.post_name
