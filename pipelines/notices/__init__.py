"""Procurement notices: tenders, awards and contracts advertised by public buyers.

One domain, one publisher module each: `contracts_finder` reads Contracts Finder's OCDS releases and
notice-search JSON (Find a Tender, the other publisher of the same notices, will sit beside it).

- `tables`: `fact_contract_notice`, one row per notice, with the newest release per procurement marked;
- `sample`: the generated SAMPLE notices.
"""
