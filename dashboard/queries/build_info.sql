-- When and from what the warehouse was built (one row).
SELECT built_at, code_version, is_sample, raw_dir, n_files, n_files_loaded, build_seconds
FROM build_info
