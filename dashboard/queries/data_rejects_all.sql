-- Every rejected row, in file and line order (run only when someone clicks the download).
SELECT file_name, line, column_name, value, reason, source AS dataset, format
FROM rejects
ORDER BY file_name, line NULLS LAST, column_name
