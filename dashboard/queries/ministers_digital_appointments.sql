-- Appointments to digital posts in post at any time between $date_from and $date_to, one row each, with the
-- part inside the period (for the timeline) and the full tenure (ongoing appointments counted to $today, which the page sets
-- to the last date in the data).
SELECT appointment_id, person_id, lineage_id, lineage_name AS department, organisation_name, person_name, post_name,
       rank_equivalence, rank_value, start_date, end_date,
       greatest(start_date, $date_from) AS shown_from,
       least(coalesce(end_date, $today), $date_to) AS shown_to,
       end_date IS NULL AS is_ongoing,
       date_diff('day', start_date, coalesce(end_date, $today)) AS tenure_days,
       digital_rule, digital_evidence
FROM fact_ministerial_appointment
WHERE is_digital AND start_date <= $date_to AND (end_date IS NULL OR end_date > $date_from)
ORDER BY department, start_date, person_name
