"""Procurement notices: tenders, awards and contracts advertised by public buyers.

One domain, one publisher module each: `contracts_finder` reads Contracts Finder's OCDS releases and
notice-search JSON; `find_a_tender` reads Find a Tender's OCDS release packages (Procurement Act 2023 notices
since 24 February 2025) into the same staging table, reusing Contracts Finder's flattening.

- `cpv`: which notices are IT, by their CPV codes against `reference/cpv_it.csv`;
- `tables`: `fact_contract_notice`, one row per notice, with the newest release per procurement marked and
  `is_it` with the rule that decided it;
- `sample`: the generated SAMPLE notices.
"""
