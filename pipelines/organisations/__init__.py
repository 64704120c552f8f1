"""Central government organisations from the GOV.UK organisations API, and the department each rolls up to.

- `formats`: the API's records (pages as served, or their concatenation);
- `tables`: `dim_organisation`, walking parent links to the nearest department (closed bodies from reference);
- `sample`: the generated SAMPLE API pages.
"""
