"""The warehouse: where the domains meet, and the one file the dashboard reads.

- `build`: wiring: raw folder -> loaded files -> model -> a new DuckDB file swapped in atomically;
- `formats`: the registry of every domain's publisher formats, detection and diagnosis of one file;
- `model`: staging frames -> every table, calling each domain's builders and resolving buyers;
- `buyers`, `dim_buyer`: buyer names resolved to councils, combined authorities and departments;
- `marts/`: one SQL file per mart, filled by name inside the new file;
- `schema`, `validate`: every table's declared schema and the check run before the swap;
- `write`, `meta`: writing the new file, and the tables that record the build;
- `sample`: every domain's SAMPLE generator run into one folder;
- `dictionary`: the data dictionary written from the schema's column descriptions.
"""
