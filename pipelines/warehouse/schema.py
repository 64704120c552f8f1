"""Every warehouse table's schema, gathered in one place.

Each table is declared beside the code that builds it (`TABLES` in each domain's `tables` module, and in
`warehouse.dim_buyer`, `warehouse.marts` and `warehouse.meta`). The writer creates the tables from this
list, `pipelines.warehouse.validate` checks a new file against it, and `pipelines.warehouse.dictionary`
writes the data dictionary from its column descriptions.
"""

from __future__ import annotations

from pipelines.core.schema import Table
from pipelines.geography import tables as geography
from pipelines.marketplace import tables as marketplace
from pipelines.ministers import tables as ministers
from pipelines.notices import tables as notices
from pipelines.organisations import tables as organisations
from pipelines.sme_spend import tables as sme_spend
from pipelines.warehouse import customers, dim_buyer, marts, meta

ALL_TABLES: tuple[Table, ...] = (
    *geography.TABLES,
    *organisations.TABLES,
    *sme_spend.TABLES,
    *ministers.TABLES,
    *notices.TABLES,
    *marketplace.TABLES,
    *customers.TABLES,
    *dim_buyer.TABLES,
    *marts.TABLES,
    *meta.TABLES,
)

TABLES_BY_NAME = {t.name: t for t in ALL_TABLES}
if len(TABLES_BY_NAME) != len(ALL_TABLES):  # pragma: no cover - a programming error
    raise RuntimeError("two schemas declare the same table name")
