-- The build itself (one row): when, which code, from where, how long, with which library versions.
SELECT built_at, code_version, is_sample, raw_dir, n_files, n_files_loaded, build_seconds, polars_version, duckdb_version
FROM build_info
