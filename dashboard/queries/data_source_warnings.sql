-- Source errors kept rather than dropped: appointments the IfG Ministers Database publishes with an end date before
-- the start. The row stays (end date treated as unknown, so a serving minister is still counted) with its warning.
SELECT person_name, post_name, organisation_name, start_date, end_date, source_warning, source
FROM fact_ministerial_appointment
WHERE source_warning IS NOT NULL
ORDER BY source
