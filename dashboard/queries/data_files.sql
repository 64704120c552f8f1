-- Every file the build found, with what it was recognised as and its row counts (small: one row per file).
SELECT file_name, rel_path, status, message, source AS dataset, format, format_description, publisher, licence, sha256,
       size_bytes, rows_read, rows_loaded, rows_rejected, rows_superseded, encoding, notes, period,
       fetch_url, fetched_at, fetch_checked_at, publisher_updated_at, fetch_note
FROM build_files
ORDER BY dataset NULLS LAST, rel_path
