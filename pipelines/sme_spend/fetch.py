"""Fetch the Cabinet Office SME spend annexes: GOV.UK search for the yearly publications, then their files.

Slugs are irregular (`central-government-spend-with-smes-2021-to-2022`, `central-government-spend-with-small-
and-medium-sized-enterprises-2020-to-2021`), so pages are found by the Search API and kept by title; every CSV,
XLSX, XLS or ODS attachment of each page is fetched into `sme-spend/<page slug>/`.
"""

from __future__ import annotations

from pipelines.core.fetching import Context
from pipelines.core.govuk import Query, fetch_publications

NAME = "sme-spend"
PUBLISHER = "Cabinet Office (central government spend with SMEs)"
LICENCE = "Open Government Licence v3.0"

QUERIES = (
    Query(
        q="central government spend with SMEs",
        filters={"organisations": "cabinet-office"},
        title=r"spend with (smes|small and medium)",
    ),
    Query(
        q="central government spend with small and medium-sized enterprises",
        filters={"organisations": "cabinet-office"},
        title=r"spend with (smes|small and medium)",
    ),
)


def fetch(ctx: Context) -> None:
    fetch_publications(ctx, QUERIES, PUBLISHER, LICENCE)
