"""Procurement notices: tenders, awards and contracts advertised by public buyers.

One domain, one publisher module each: `contracts_finder` reads Contracts Finder's OCDS releases and
notice-search JSON (Find a Tender, the other publisher of the same notices, will sit beside it).

- `cpv`: which notices are IT, by their CPV codes against `reference/cpv_it.csv`;
- `tables`: `fact_contract_notice`, one row per notice, with the newest release per procurement marked and
  `is_it` with the rule that decided it;
- `sample`: the generated SAMPLE notices.
"""
