-- Current departments (with ministers) and whether any minister holds a digital post on a date.
WITH current_departments AS (
    SELECT department_id, name, lineage_id FROM dim_minister_department WHERE is_current AND has_ministers
),
digital AS (
    SELECT DISTINCT lineage_id FROM fact_ministerial_appointment
    WHERE is_digital AND start_date <= $as_of AND (end_date IS NULL OR end_date > $as_of)
)
SELECT d.department_id, d.name, d.lineage_id IN (SELECT lineage_id FROM digital) AS has_digital_minister
FROM current_departments d
ORDER BY has_digital_minister, d.name
