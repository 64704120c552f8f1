"""The Cabinet Office SME spend annex saved as a workbook (XLSX, XLS or ODS), read through fastexcel (calamine).

Recognised by content, never by name: a sheet whose header, below up to a few banner rows, maps to
Department plus the required measures (the same MEASURES, header variants and rules as the CSV). A workbook
with a cover or notes sheet is fine; two sheets that both hold an annex are refused, naming them, since one
file's rows would otherwise mix two tables. The financial year comes from the banner rows above the header,
else the sheet's name, else the file name.

Cells are typed: money is a plain number, a count a whole number, and a percentage usually a fraction
formatted as % (0.441 for 44.1%). Which numeric cells are formatted as % is read from the workbook's XML
(`pipelines.core.sheets.percent_cells`; not for XLS) and every percentage is stored 0..100 by the rules in
`pipelines.sme_spend.percentages`, so a workbook and the CSV of the same figures load the same.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.core.loading import LINE, FileLoad, Format, sheet_rows
from pipelines.core.sheets import PercentCells, SheetHead, percent_cells
from pipelines.core.textio import Head, UnreadableFileError
from pipelines.sme_spend.formats import (
    HEADER_SEARCH_LINES,
    MEASURE_BY_NAME,
    REQUIRED_HEADERS,
    SOURCE,
    HeaderMap,
    financial_year_in,
    header_problems,
    load_rows,
    map_header,
    pct_format_column,
)

FORMAT_ID = "cabinet_office_sme_spend_annex_workbook"


def annex_header(sheet: SheetHead) -> tuple[int, list[str], HeaderMap] | None:
    """The 0-based row, cells and mapping of the annex header within a sheet's first rows."""
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_LINES]):
        mapping = map_header(list(row))
        if mapping.is_sme_header:
            return index, list(row), mapping
    return None


def annex_sheets(head: Head) -> list[tuple[SheetHead, int, list[str], HeaderMap]]:
    found = []
    for sheet in head.sheets:
        hit = annex_header(sheet)
        if hit is not None:
            found.append((sheet, *hit))
    return found


def matches(head: Head) -> bool:
    return head.kind == "spreadsheet" and bool(annex_sheets(head))


def resembles(head: Head) -> bool:
    """A sheet with a Department column and at least one annex measure, though not the required ones: the build
    stops on it and says what is missing, rather than skipping a renamed annex as someone else's file."""
    for sheet in head.sheets if head.kind == "spreadsheet" else ():
        for row in sheet.rows[:HEADER_SEARCH_LINES]:
            mapping = map_header(list(row))
            if mapping.department is not None and mapping.measures:
                return True
    return False


def year_of_sheet(path: Path, sheet: SheetHead, header_index: int) -> tuple[str, str]:
    """(financial year, where it came from): the banner rows, the sheet name, then the file name."""
    banner = " ".join(c for row in sheet.rows[:header_index] for c in row if c.strip())
    for where, text in (("banner", banner), ("sheet name", sheet.name), ("file name", path.stem)):
        year = financial_year_in(text)
        if year:
            return year, where
    raise UnreadableFileError(
        path,
        f"no financial year in the banner rows above the header of sheet {sheet.name!r}, in the sheet name or in"
        " the file name (e.g. 'sme-spend-2019-20.xlsx')",
    )


def _offset(formats: PercentCells, header_row: int, cells: list[str]) -> int | None:
    """Sheet column (0-based from A) of the frame's first column: calamine starts at the first used column."""
    first_used = formats.first_column(header_row)
    first_cell = next((i for i, c in enumerate(cells) if c.strip()), None)
    if first_used is None or first_cell is None:
        return None
    return first_used - first_cell


def with_percent_formats(
    frame: pl.DataFrame, path: Path, sheet: str, header_index: int, cells: list[str], mapping: HeaderMap
) -> tuple[pl.DataFrame, bool]:
    """Add, for each percentage column, whether each row's cell is a number formatted as % (null: not known),
    and whether the workbook's formats were read at all."""
    formats = percent_cells(path, sheet)
    offset = _offset(formats, header_index + 1, cells) if formats is not None else None
    columns = []
    for name, pos in mapping.measures.items():
        if MEASURE_BY_NAME[name].kind != "pct":
            continue
        if formats is None or offset is None:
            values: list[bool | None] = [None] * frame.height
        else:
            values = [formats.is_percent(line, pos + offset) for line in frame[LINE].to_list()]
        columns.append(pl.Series(pct_format_column(name), values, dtype=pl.Boolean))
    known = formats is not None and offset is not None
    return (frame.with_columns(columns) if columns else frame), known


def load(path: Path, head: Head, workdir: Path) -> FileLoad:
    """Read the one annex sheet of a workbook into stg_sme_spend plus its rejects."""
    sheets = annex_sheets(head)
    if not sheets:  # pragma: no cover - matches() guarantees one
        raise UnreadableFileError(path, "no sheet has the SME spend annex header")
    if len(sheets) > 1:
        listed = ", ".join(repr(s.name) for s, *_ in sheets)
        raise UnreadableFileError(
            path, f"several sheets hold the SME spend annex ({listed}): cannot tell which to read; save one per file"
        )
    sheet, index, cells, mapping = sheets[0]
    where = f" of sheet {sheet.name!r}"
    header_problems(path, index + 1, mapping, cells, where=where)
    year, year_from = year_of_sheet(path, sheet, index)
    frame, names, blank = sheet_rows(path, sheet.name, index, cells)
    frame, formats_known = with_percent_formats(frame, path, sheet.name, index, cells, mapping)
    kind = head.encoding.upper()
    notes = [
        f"{kind} workbook, sheet {sheet.name!r}, header on row {index + 1}",
        f"financial year {year} taken from the {year_from}",
    ]
    if not formats_known:
        notes.append(f"the {kind} workbook's number formats were not read: percentages scaled by their rows' figures")
    if blank:
        notes.append(f"{blank} empty rows skipped and not counted as read")
    return load_rows(
        path,
        frame,
        names,
        cells,
        mapping,
        year,
        fmt=FORMAT_ID,
        checks_before=[],
        checks_after=[],
        notes=notes,
        encoding=head.encoding,
        formats_known=formats_known,
    )


FORMATS: list[Format] = [
    Format(
        id=FORMAT_ID,
        source=SOURCE,
        description="Cabinet Office SME spend annex saved as a workbook (XLSX, XLS or ODS), one annex sheet",
        matches=matches,
        load=load,
        publisher="Cabinet Office",
        licence="Open Government Licence v3.0",
        required_columns=tuple(REQUIRED_HEADERS),
        resembles=resembles,
    )
]
