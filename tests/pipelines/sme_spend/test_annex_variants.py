"""SME annex header variants, department footnote markers and percentage scales: the rules shared by the CSV
and workbook readers, tested through CSVs and the pure functions.

The header spellings come from the published annexes (2017/18 to 2020/21 CSVs as shown on GOV.UK: formulas in
square brackets such as "[Column C divided by Column B]", "(%)", "(£m)", an unbalanced "[Column G divided by
Column F)", "... if extrapolation applied or [...]", "CO (1)", "DFE (1)"). The shorter variants ("[B]",
"(C/A)", "(=D+E)", "£ million", "¹", "DfE*", "HMRC²", "MOD [note 3]") are not seen in a published file: they
are the forms a later or hand-edited annex may take.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.core.textio import UnreadableFileError
from pipelines.sme_spend.formats import map_header, normalise_header, split_marker, strip_annotations
from pipelines.sme_spend.percentages import FRACTION, PERCENT, Cell, decide
from tests.pipelines.sme_spend.test_sme_spend import load, staged, write_csv

#: The 2019/20 annex header as published (column letters in the formulas are the publisher's).
HEADER_2019 = [
    "Department",
    "Total Procurement Spend (£m)",
    "Direct Spend with SMEs (£m)",
    "Direct Spend with SMEs as % [Column C divided by Column B]",
    "Responding Suppliers Reported Revenues (£m)",
    "Responding Suppliers Reported Subcontracted Spend with SMEs (£m)",
    "Responding Suppliers Reported Subcontracted Spend with SMEs as % [Column F divided by Column E]",
    "Additional Indirect SME Spend collected & reported by Departments (outside of the annual survey)",
    "In scope spend for Extrapolation [Column B minus C, minus Column H]",
    "Indirect Spend with SMEs Extrapolated (£m) [Column I multiplied by Column G]",
    "Total Indirect Spend with SMEs (£m) [Column H plus Column J] if extrapolation applied or [Column F plus Column H]",
    "Indirect Spend with SMEs as % [Column K divided by Column B]",
    "Total Spend with SMEs (£m) [Column C plus Column K]",
    "Total Spend with SMEs as % [Column M divided by Column B]",
    "No. of Suppliers Invited",
    "No. of valid supplier responses received",
    "Supplier Response rate as % [Column P divided by Column O]",
    "Responding Suppliers Revenue as % of available spend [Column E divided by Column B minus Column C minus Column H]",
]
#: The 2017/18 and 2018/19 spellings that differ: "(%)" with an unbalanced bracket, "(£m)" after the wording,
#: "or [...] as applicable", "Spend" for "Revenue".
HEADER_2018_DIFFERENT = [
    "Responding Suppliers Reported Subcontracted Spend with SMEs (%) [Column G divided by Column F)",
    "Additional Indirect SME Spend collected & reported by Departments (outside of the annual survey) (£m)",
    "In scope spend for Extrapolation (£m) [Column C minus D, minus Column I]",
    "Total Indirect Spend with SMEs (£m) [Column I plus Column K] or [Column G plus Column I] as applicable",
    "Responding Suppliers Spend as % of available spend [Column F divided by Column C minus Column D]",
]


def test_the_published_2019_20_header_maps_every_column() -> None:
    mapping = map_header(HEADER_2019)
    assert not mapping.unknown and not mapping.duplicated and mapping.department == 0
    assert len(mapping.measures) == 17


@pytest.mark.parametrize(
    ("cell", "measure"),
    [
        (HEADER_2018_DIFFERENT[0], "supplier_subcontracted_sme_pct"),
        (HEADER_2018_DIFFERENT[1], "additional_indirect_sme_spend_m"),
        (HEADER_2018_DIFFERENT[2], "in_scope_spend_for_extrapolation_m"),
        (HEADER_2018_DIFFERENT[3], "indirect_sme_spend_m"),
        (HEADER_2018_DIFFERENT[4], "responding_revenue_pct_of_spend"),
        ("Direct Spend with SMEs (£m) [B]", "direct_sme_spend_m"),
        ("Total Spend with SMEs as % (C/A)", "total_sme_pct"),
        ("Indirect Spend with SMEs (£m) (=D+E)", "indirect_sme_spend_m"),
        ("Total Procurement Spend (£m) (1)", "total_procurement_spend_m"),
        ("Total Procurement Spend (£m)¹", "total_procurement_spend_m"),
        ("Total Procurement Spend £ million", "total_procurement_spend_m"),
        ("Direct Spend with SMEs (£ millions) [note 2]", "direct_sme_spend_m"),
        ("Direct Spend with SMEs as %*", "direct_sme_pct"),
    ],
)
def test_header_variants_map_to_their_measure(cell: str, measure: str) -> None:
    assert list(map_header(["Department (1)", cell]).measures) == [measure]


def test_annotations_are_stripped_but_units_and_wording_kept() -> None:
    assert strip_annotations("Direct Spend with SMEs as % [Column C divided by Column B]") == (
        "Direct Spend with SMEs as %"
    )
    assert strip_annotations("Indirect Spend with SMEs (£m) (=D+E)") == "Indirect Spend with SMEs £m"
    assert normalise_header("Additional Indirect SME Spend ... (outside of the annual survey)").endswith(
        "outside of the annual survey"
    )


def test_money_in_other_units_is_an_unknown_column_naming_every_column(tmp_path: Path) -> None:
    """£000 or £bn would be read a thousandfold wrong as £m: refused, with the columns found."""
    header = "Department,Total Procurement Spend (£000),Direct Spend with SMEs (£m),Total Spend with SMEs (£m)"
    path = write_csv(tmp_path, "sme-spend-2019-20.csv", [header, "HO,1000,1,1"])
    with pytest.raises(UnreadableFileError) as info:
        load(path)
    message = str(info.value)
    assert info.value.column == "Total Procurement Spend (£000)" and info.value.line == 1
    assert message.startswith("sme-spend-2019-20.csv, line 1")
    assert "columns found: 'Department', 'Total Procurement Spend (£000)', 'Direct Spend with SMEs (£m)'" in message


def test_published_annotated_header_loads_and_says_what_was_ignored(tmp_path: Path) -> None:
    row = "BEIS,£1435,£410,28.60%,£269,£28,10.40%,£24,£0,£0,£53,3.70%,£463,32.30%,104,59,56.70%,26.90%"
    csv_header = ",".join(f'"{c}"' for c in HEADER_2019)
    result = load(write_csv(tmp_path, "sme-spend-2019-20.csv", [csv_header, row]))
    beis = staged(result).row(0, named=True)
    assert (beis["direct_sme_pct"], beis["indirect_sme_spend_m"], beis["supplier_response_rate_pct"]) == (
        28.6,
        53,
        56.7,
    )
    note = next(n for n in result.notes if "carry formulas" in n)
    assert note.startswith("10 header cells") and "[Column C divided by Column B]" in note


# --- department footnote markers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "code", "marker"),
    [
        ("CO (1)", "CO", "(1)"),
        ("DFE (1)", "DFE", "(1)"),
        ("DfE*", "DfE", "*"),
        ("HMRC²", "HMRC", "²"),
        ("MOD [note 3]", "MOD", "[note 3]"),
        ("DWP (note 2)", "DWP", "(note 2)"),
        ("Other", "Other", None),
        ("Total (excluding Other)", "Total (excluding Other)", None),
        ("(1)", "(1)", None),  # nothing left but the marker: not a department, rejected as unknown
    ],
)
def test_split_marker(cell: str, code: str, marker: str | None) -> None:
    assert split_marker(cell) == (code, marker)


def test_department_markers_resolve_and_are_noted(tmp_path: Path) -> None:
    rows = [
        "Department,Total Procurement Spend (£m),Direct Spend with SMEs (£m),Total Spend with SMEs (£m)",
        "CO (1),100,10,20",
        "DfE*,100,10,20",
        "HMRC²,100,10,20",
        "MOD [note 3],100,10,20",
        "Total,400,40,80",
    ]
    result = load(write_csv(tmp_path, "sme-spend-2019-20.csv", rows))
    frame = staged(result)
    assert result.rows_rejected == 0
    assert frame["department_id"].to_list() == ["CO", "DFE", "HMRC", "MOD", None]
    assert frame["department_code"].to_list() == ["CO", "DfE", "HMRC", "MOD", "Total"]
    note = next(n for n in result.notes if n.startswith("footnote markers"))
    assert "line 2: CO (1); line 3: DfE *; line 4: HMRC ²; line 5: MOD [note 3]" in note


def test_a_marked_and_an_unmarked_cell_for_one_department_are_a_duplicate(tmp_path: Path) -> None:
    rows = [
        "Department,Direct Spend with SMEs (£m),Total Spend with SMEs (£m)",
        "CO (1),10,20",
        "CO,10,20",
    ]
    result = load(write_csv(tmp_path, "sme-spend-2019-20.csv", rows))
    assert result.rejects["reason"].to_list() == ["duplicate department 'CO' within the file (first at line 2)"]


# --- percentage scales: the pure rules ------------------------------------------------------------------------

PAIR = ("Direct Spend with SMEs (£m)", "Total Procurement Spend (£m)")


def factors(cells: list[Cell], *, formats_known: bool = True) -> list[float | None]:
    return [d.factor for d in decide(cells, "Direct %", PAIR, formats_known=formats_known)]


def test_a_percent_sign_means_a_percentage_and_a_percent_format_a_fraction() -> None:
    assert factors([Cell("44.1%", None), Cell("0.441", True), Cell("0.5%", None)]) == [PERCENT, FRACTION, PERCENT]


def test_the_rows_figures_decide_a_bare_number() -> None:
    assert factors([Cell("0.441", False, "44.1", "100"), Cell("44.1", False, "44.1", "100")]) == [FRACTION, PERCENT]


def test_a_small_percentage_is_not_mistaken_for_a_fraction() -> None:
    """0.5 with 0.5 of 100: a percentage (0.5%), not 50%, though it is at most 1."""
    assert factors([Cell("0.5", None, "0.5", "100")], formats_known=False) == [PERCENT]


def test_money_rounded_to_whole_millions_still_decides() -> None:
    """1 of 50 written as whole £m is anywhere from 1% to 3%: 0.03 (3%) is a fraction, 2.9 a percentage."""
    assert factors([Cell("0.03", None, "1", "50"), Cell("2.9", None, "1", "50")]) == [FRACTION, PERCENT]


def test_a_cell_without_evidence_follows_its_column() -> None:
    cells = [Cell("0.3", True), Cell("0.25", None)]
    assert factors(cells) == [FRACTION, FRACTION]


def test_a_column_holding_both_scales_rejects_the_cell_it_cannot_place() -> None:
    decisions = decide(
        [Cell("44.1%", None), Cell("0.3", True), Cell("0.25", None)], "Direct %", PAIR, formats_known=True
    )
    assert [d.factor for d in decisions] == [PERCENT, FRACTION, None]
    assert decisions[2].reason == (
        "cannot tell whether 0.25 in column 'Direct %' is a fraction (25%) or a percentage (0.25%):"
        " the column holds both scales and this row's figures do not settle it"
    )


def test_a_cell_contradicting_its_rows_figures_is_rejected() -> None:
    decisions = decide([Cell("0.441", True, "0.441", "100")], "Direct %", PAIR, formats_known=True)
    assert decisions[0].factor is None
    assert decisions[0].reason == (
        "percentage scale in column 'Direct %': 0.441 is formatted as a percentage (44.1%) but"
        " 'Direct Spend with SMEs (£m)' / 'Total Procurement Spend (£m)' on this row is 0.44%: mixed scales"
    )


def test_unknown_formats_and_only_small_values_cannot_be_told_apart() -> None:
    decisions = decide([Cell("0.2", None), Cell("0.3", None)], "Rate %", None, formats_known=False)
    assert [d.factor for d in decisions] == [None, None]
    assert "number formats are not read (XLS)" in (decisions[0].reason or "")
    # a value over 1, or formats that are known (a CSV, an unformatted XLSX cell), reads as written
    assert [d.factor for d in decide([Cell("0.2", None), Cell("30", None)], "Rate %", None, formats_known=False)] == [
        PERCENT,
        PERCENT,
    ]
    assert [d.factor for d in decide([Cell("0.2", None)], "Rate %", None, formats_known=True)] == [PERCENT]


def test_zero_and_blank_need_no_scale() -> None:
    assert factors([Cell("0", True), Cell(None, None), Cell("0.0%", None)]) == [PERCENT, PERCENT, PERCENT]


# --- percentage scales through a CSV -------------------------------------------------------------------------

SCALE_HEADER = (
    "Department,Total Procurement Spend (£m),Direct Spend with SMEs (£m),Direct Spend with SMEs as %,"
    "Total Spend with SMEs (£m)"
)


def test_csv_with_fractions_is_stored_on_the_percentage_scale(tmp_path: Path) -> None:
    rows = [SCALE_HEADER, "HO,100,44.1,0.441,50", "CO,200,10,0.05,30", "DWP,300,0,0,40"]
    result = load(write_csv(tmp_path, "sme-spend-2019-20.csv", rows))
    assert staged(result)["direct_sme_pct"].to_list() == [44.1, 5.0, 0.0]
    assert "direct_sme_pct: 2 cell(s) held fractions, stored x100 (ratio)" in result.notes


def test_csv_mixing_scales_is_read_right_row_by_row(tmp_path: Path) -> None:
    rows = [SCALE_HEADER, "HO,100,44.1,44.1%,50", "CO,200,10,0.05,30", "DWP,300,30,10,40"]
    result = load(write_csv(tmp_path, "sme-spend-2019-20.csv", rows))
    assert staged(result)["direct_sme_pct"].to_list() == [44.1, 5.0, 10.0]


def test_csv_contradicting_scale_is_rejected_naming_file_row_and_column(tmp_path: Path) -> None:
    rows = [SCALE_HEADER, "HO,100,44.1,0.441%,50", "CO,200,10,5,30"]
    result = load(write_csv(tmp_path, "sme-spend-2019-20.csv", rows))
    assert result.rows_loaded == 1
    reject = result.rejects.row(0, named=True)
    assert (reject["file_name"], reject["line"], reject["column_name"], reject["value"]) == (
        "sme-spend-2019-20.csv",
        2,
        "Direct Spend with SMEs as %",
        "0.441%",
    )
    assert reject["reason"].startswith("percentage scale in column 'Direct Spend with SMEs as %': 0.441% is written")
