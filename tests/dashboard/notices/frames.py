"""Small frames shaped like the notices queries, shared by the page's tests."""

from __future__ import annotations

import polars as pl


def shares_input() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "financial_year": ["2024/25", "2025/26"],
            "notices": [10, 30],
            "suitable_for_sme": [7, 21],
            "awards_size_stated": [0, 8],
            "awarded_to_sme": [0, 2],
            "suitable_pct": [70.0, 70.0],
            "awarded_sme_pct": [None, 25.0],
        }
    )
