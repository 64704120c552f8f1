-- Turnover of digital posts per department lineage between $date_from and $date_to: how many people held one,
-- in how many appointments, and how long an appointment lasted on average (full length, ongoing ones counted to
-- $today, which the page sets to the last date in the data). Lineage, not department_id, so a department's rename is not counted as turnover.
SELECT lineage_id,
       arg_max(lineage_name, start_date) AS department,
       count(DISTINCT person_id) AS holders,
       count(*) AS appointments,
       count(*) FILTER (WHERE start_date >= $date_from) AS started_in_period,
       round(avg(date_diff('day', start_date, coalesce(end_date, $today))), 1) AS average_tenure_days,
       round(avg(date_diff('day', start_date, coalesce(end_date, $today))) / 365.25, 2) AS average_tenure_years
FROM fact_ministerial_appointment
WHERE is_digital AND start_date <= $date_to AND (end_date IS NULL OR end_date > $date_from)
GROUP BY lineage_id
ORDER BY holders DESC, average_tenure_days, department
