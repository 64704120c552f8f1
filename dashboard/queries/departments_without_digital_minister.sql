-- Ministerial departments with a minister in post on $as_of, and whether any of those ministers holds a digital
-- post. The same rule as the ministers page (ministers_departments_as_of.sql): departments are lineages (DCMS
-- through its renames); in post = started on or before the date and not ended by it; the whips' offices and the
-- Prime Minister's Office are not departments (is_ministerial_department, from NOT_MINISTERIAL_DEPARTMENTS).
SELECT arg_max(department_id, start_date) AS department_id,
       arg_max(coalesce(organisation_name, lineage_name), start_date) AS name,
       lineage_id,
       bool_or(is_digital) AS has_digital_minister
FROM fact_ministerial_appointment
WHERE start_date <= $as_of AND (end_date IS NULL OR end_date > $as_of) AND is_ministerial_department
GROUP BY lineage_id
ORDER BY has_digital_minister, name
