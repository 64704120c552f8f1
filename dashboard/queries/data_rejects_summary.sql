-- Rejected rows counted by file and reason, with the line range and one example value, largest first.
SELECT file_name, reason, count(*) AS n_rows, min(line) AS first_line, max(line) AS last_line,
       column_name, any_value(value) AS example_value, source AS dataset, format
FROM rejects
GROUP BY file_name, reason, column_name, dataset, format
ORDER BY n_rows DESC, file_name, reason
