"""Small frames shaped like the ministers queries, shared by the page's tests."""

from __future__ import annotations

import datetime as dt

import polars as pl


def rows_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "lineage_id": ["DSIT", "DSIT", "CO", "DFE", "IFG:Whip Commons"],
            "department_id": ["DSIT", "DSIT", "CO", "DFE", "IFG:Whip Commons"],
            "department": ["Science", "Science", "Cabinet Office", "Education", "Government Whips-House of Commons"],
            "n_ministers": [4, 4, 5, 3, 16],
            "is_department": [True, True, True, True, False],  # the whips' office is shown apart, not counted
            "person_name": ["A Person", "B Person", "C Person", None, None],
            "post_name": ["Minister for Digital", "Secretary of State", "Minister for Implementation", None, None],
            "rank_equivalence": ["MoS", "SoS", "PUSS", None, None],
            "rank_value": [4, 3, 5, None, None],
            "start_date": [dt.date(2024, 7, 5)] * 3 + [None, None],
            "end_date": [None] * 5,
            "digital_rule": ["title keyword", "title keyword", "user override", None, None],
            "digital_evidence": ["Digital", "Technology", "ran GDS", None, None],
            "digital_evidence_date": [None, None, dt.date(2023, 5, 16), None, None],
            "digital_evidence_url": [None, None, "https://www.gov.uk/government/ministers", None, None],
        },
        schema_overrides={"end_date": pl.Date, "rank_value": pl.Int64, "digital_evidence_date": pl.Date},
    )


def appointments_frame() -> pl.DataFrame:
    d = dt.date
    return pl.DataFrame(
        {
            "person_id": ["p1", "p2", "p3", "p4"],
            "department": ["DCMS", "DCMS", "DCMS", "CO"],
            "person_name": ["One", "Two", "Three", "Four"],
            "post_name": ["Digital", "Data", "Digital", "GDS"],
            "rank_equivalence": ["MoS", "PUSS", "MoS", "SoS"],
            "rank_value": [4, 5, 4, 3],
            "start_date": [d(2016, 1, 1), d(2017, 1, 1), d(2018, 6, 1), d(2019, 1, 1)],
            "end_date": [d(2018, 6, 1), d(2019, 1, 1), None, None],
            "shown_from": [d(2016, 4, 1), d(2017, 1, 1), d(2018, 6, 1), d(2019, 1, 1)],
            "shown_to": [d(2018, 6, 1), d(2019, 1, 1), d(2020, 3, 31), d(2020, 3, 31)],
            "tenure_days": [882, 730, 2000, 2000],
            "digital_rule": ["title keyword"] * 4,
            "digital_evidence": ["Digital", "Data", "Digital", "GDS"],
        },
        schema_overrides={"end_date": pl.Date},
    )
