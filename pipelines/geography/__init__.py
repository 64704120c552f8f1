"""Geography: ONS lookups (LAD to region, LAD to combined authority), NOMIS population, BUC boundaries.

- `formats`: the ONS and NOMIS files of any vintage, recognised by header pattern;
- `tables`: regions, combined authorities (the Greater London Authority added), LADs, councils, boundaries,
  and the check that lookups and boundaries name the same LADs;
- `sample`: the generated SAMPLE lookups, population and boundaries.
"""
