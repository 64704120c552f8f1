"""Small frames shaped like the marketplace queries, and helpers, shared by the page's tests."""

from __future__ import annotations

import polars as pl

GM = "Greater Manchester"


def rows_by(frame: pl.DataFrame, key: str, value: str) -> dict:
    return {r[key]: r[value] for r in frame.iter_rows(named=True)}


def map_frame(**overrides) -> pl.DataFrame:
    frame = {
        "area_code": ["A", "B", "C", "D", "E", "F", "G"],
        "area_name": ["Alpha", "Beta", "Gamma", "Delta", "Eps", "Zeta", "Eta"],
        "population": [1000, 2000, 3000, 4000, 5000, 6000, None],
        "longitude": [-2.3, -2.2, -2.1, -2.0, -1.9, -1.8, -1.7],
        "latitude": [53.4, 53.5, 53.6, 53.4, 53.5, 53.6, 53.7],
        "spend": [100.0, 200.0, 300.0, 400.0, 5000.0, 0.0, 50.0],
        "sme_spend": [50.0, 100.0, 0.0, 400.0, 10.0, 0.0, 50.0],
        "large_spend": [50.0, 100.0, 300.0, 0.0, 4990.0, 0.0, 0.0],
        "unknown_size_spend": [0.0] * 7,
        "sme_share_pct": [50.0, 50.0, 0.0, 100.0, 0.2, None, 100.0],
        "spend_per_1000": [100.0, 100.0, 100.0, 100.0, 1000.0, 0.0, None],
        "n_buyers": [1, 2, 3, 4, 5, 0, 1],
        "is_selected_area": [False] * 7,
        "geometry": ['{"type":"Polygon","coordinates":[[[-2.3,53.4],[-2.2,53.4],[-2.2,53.5],[-2.3,53.4]]]}']
        + [None] * 6,
    }
    frame.update(overrides)
    return pl.DataFrame(frame)
