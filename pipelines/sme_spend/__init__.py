"""Central government spend with SMEs: the Cabinet Office's annual annex, one file per financial year.

- `formats`: the annex CSV layouts (banners above the header, units and formulas in the headers);
- `tables`: the fact per year and published department code, the superseded-years record and the share mart;
- `sample`: the generated SAMPLE annexes.
"""
