"""Ministers and digital responsibility.

- `ifg`: the Institute for Government Ministers Database tables (appointments, posts, organisations);
- `govuk`: GOV.UK Content API pages about ministerial roles, with their responsibilities text;
- `digital`: which posts carry digital responsibility (title words, GOV.UK text, the reference file);
- `tables`: appointments joined to departments and classified, roles and departments;
- `sample`: the generated SAMPLE tables and pages (its literal data in `sample_data.json`).
"""
