-- How the last `python -m pipelines fetch` of each source ended (one row per fetched source; none for a raw folder
-- filled by hand or the sample): failed fetches first, so a source that stopped updating is read first.
SELECT source_folder, succeeded, finished_at, requests, files_new, files_changed, files_unchanged, files_kept,
       errors, warnings
FROM build_fetch_status
ORDER BY succeeded, source_folder
