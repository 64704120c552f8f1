"""Fetch Digital Marketplace (G-Cloud, DOS) spend files from GOV.UK: CCS and earlier GDS releases.

From August 2017 the files are GOV.UK attachments (`.../attachment_data/file/<n>/G-Cloud-spend-Dec2017.csv`),
later CCS "Digital Marketplace spend statistics". Found through the Search API by organisation and kept by
title, never by a hard-coded asset URL; every CSV, XLSX, XLS or ODS attachment is fetched whatever its slug.
Releases are cumulative and revised, so each file is asked for again on every run (conditionally).
"""

from __future__ import annotations

from pipelines.core.fetching import Context
from pipelines.core.govuk import Query, fetch_publications
from pipelines.marketplace.formats import LICENCE, PUBLISHER

NAME = "marketplace"

_TITLE = r"(g-cloud|digital marketplace|digital outcomes|\bdos\b).*(spend|sales)|(spend|sales).*(g-cloud|digital marketplace)"

QUERIES = (
    Query(q="Digital Marketplace spend", filters={"organisations": "crown-commercial-service"}, title=_TITLE),
    Query(q="G-Cloud spend", filters={"organisations": "crown-commercial-service"}, title=_TITLE),
    Query(q="G-Cloud sales figures", filters={"organisations": "government-digital-service"}, title=_TITLE),
)


def fetch(ctx: Context) -> None:
    fetch_publications(ctx, QUERIES, PUBLISHER, LICENCE)
