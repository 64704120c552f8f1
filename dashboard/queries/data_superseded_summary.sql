-- Rows a later release restates, by file and the file that wins (the rows themselves are in meta_superseded_rows).
SELECT file_name, superseded_by, count(*) AS n_rows, min(period) AS first_period, max(period) AS last_period
FROM meta_superseded_rows
GROUP BY ALL
ORDER BY file_name, superseded_by
