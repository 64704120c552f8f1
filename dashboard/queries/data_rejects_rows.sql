-- The first $limit rejected rows, in file and line order (the page shows these; the full list downloads).
SELECT file_name, line, column_name, value, reason, source AS dataset, format
FROM rejects
ORDER BY file_name, line NULLS LAST, column_name
LIMIT $limit
