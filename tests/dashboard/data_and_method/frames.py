"""Small frames shaped like the Data and method queries, shared by the page's tests."""

from __future__ import annotations

import polars as pl

RATES = pl.DataFrame(
    {
        "sector": ["Local Government", "Health", "Police", "All sectors"],
        "n_names": [100, 20, 10, 130],
        "n_resolved": [99, 2, 0, 101],
        "n_alias": [1, 0, 0, 1],
        "n_exact": [90, 2, 0, 92],
        "n_fuzzy": [8, 0, 0, 8],
        "n_urn_postcode": [0, 0, 0, 0],
        "names_resolved_pct": [99.0, 10.0, 0.0, 77.7],
        "spend": [1_000_000.0, 16_000_000.0, 500_000.0, 17_500_000.0],
        "spend_resolved": [999_000.0, 3_200_000.0, 0.0, 4_199_000.0],
        "spend_unresolved": [1_000.0, 12_800_000.0, 500_000.0, 13_301_000.0],
        "spend_resolved_pct": [99.9, 20.0, 0.0, 24.0],
    }
)
