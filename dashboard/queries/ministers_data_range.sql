-- The span of the appointments data (bounds for the as-of date picker) and how many posts are digital. last_change is
-- the last date the data covers (the latest start or end recorded): the page's default as-of date.
SELECT min(start_date) AS first_start,
       max(greatest(start_date, coalesce(end_date, start_date))) AS last_change,
       count(*) AS n_appointments,
       count(*) FILTER (WHERE is_digital) AS n_digital
FROM fact_ministerial_appointment
