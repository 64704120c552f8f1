"""The expiry pipeline's rules (notices/pipeline.py) and chart (notices/charts.py) on small frames."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from dashboard.notices import charts, pipeline

HOSTILE_TITLE = '=HYPERLINK("http://x","y") [click](javascript:alert(1)) <b>x</b> **bold** :red[x] $x$'


def rows(**over: list) -> pl.DataFrame:
    """Three contracts as the expiry_pipeline query returns them."""
    base = {
        "contract_end": [dt.date(2026, 12, 20), dt.date(2026, 12, 31), dt.date(2027, 3, 1)],
        "end_month": [dt.date(2026, 12, 1), dt.date(2026, 12, 1), dt.date(2027, 3, 1)],
        "title": ["Case system", HOSTILE_TITLE, "Network"],
        "buyer_name": ["DVLA", "=cmd|' /C calc'!A0", "Leeds City Council"],
        "buyer_display_name": ["Driver and Vehicle Licensing Agency", "=cmd|' /C calc'!A0", "Leeds City Council"],
        "buyer_type": ["central_government", "other", "council"],
        "department_name": ["Department for Transport", None, None],
        "supplier_names": ["Small Co Ltd", "Big plc", None],
        "incumbent_is_sme": [True, False, None],
        "value_gbp": [1_000_000.0, 3_000_000.0, None],
        "value_source": ["awarded", "awarded", None],
        "is_it": [True, True, False],
        "it_cpv_group": ["72", "48", None],
        "contract_start": [dt.date(2024, 1, 1)] * 3,
        "contract_period_source": ["award", "contract", "award"],
        "original_contract_end": [dt.date(2026, 6, 30), dt.date(2026, 12, 31), dt.date(2027, 3, 1)],
        "end_date_change": ["extended", None, None],
        "relet_notice_id": [None, "r-1", None],
        "relet_published": [None, dt.date(2026, 6, 1), None],
        "notice_id": ["1", "2", "3"],
        "source": ["contracts_finder", "contracts_finder", "find_a_tender"],
        "url": ["https://www.contractsfinder.service.gov.uk/Notice/1", "javascript:alert(1)", None],
    }
    return pl.DataFrame(base | over)


def test_summary_value_sme_share_and_followups() -> None:
    total = pipeline.summary(rows())
    assert total == {
        "contracts": 3,
        "with_value": 2,
        "value": 4_000_000.0,
        "size_known": 2,
        "sme_value_pct": 25.0,  # £1m of the £4m whose incumbent's size is stated
        "extended": 1,
        "relet": 1,
    }
    assert pipeline.sme_sentence(total) == (
        "SMEs hold 25% of that value where the incumbent's size is stated (2 of 3 contracts)."
    )
    assert "Extended by a later award notice: 1." in pipeline.followups_sentence(total)


def test_headline_states_the_value_in_the_window_for_the_area() -> None:
    total = pipeline.summary(rows())
    assert pipeline.headline(total, "IT", 12, "Greater Manchester") == (
        "£4.0m of IT contracts in Greater Manchester end in the next 12 months (3 contracts, 2 stating a value)"
    )
    one = pipeline.summary(rows().head(1))
    assert pipeline.headline(one, "All", 6, "Leeds") == "£1.0m of contracts in Leeds end in the next 6 months (1 contract)"
    none = pipeline.summary(rows().clear())
    assert pipeline.headline(none, "IT", 36, "Leeds") == "No IT contracts in Leeds end in the next 36 months"
    assert pipeline.sme_sentence(none) is None and pipeline.followups_sentence(none) is None


def test_by_month_includes_empty_months_with_value_and_count() -> None:
    months = pipeline.by_month(rows(), dt.date(2026, 11, 25), dt.date(2027, 5, 25))
    assert months.height == 7
    assert months["contracts"].to_list() == [0, 2, 0, 0, 1, 0, 0]
    assert months["value_gbp"].to_list() == [0.0, 4_000_000.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert pipeline.month_title(months, "IT", 6) == (
        "£4.0m of IT contracts end in the next 6 months; the most (£4.0m) in December 2026"
    )


def test_by_buyer_groups_by_department_and_buyer_biggest_first() -> None:
    table = pipeline.by_buyer(rows())
    assert table.columns == ["Department", "Buyer", "Contracts", "Value (£)", "Held by SMEs (£)", "First ends"]
    assert table.rows()[0][:5] == (pipeline.NO_DEPARTMENT, "=cmd|' /C calc'!A0", 1, 3_000_000.0, 0.0)
    dft = table.filter(pl.col("Department") == "Department for Transport").row(0)
    assert dft[2:5] == (1, 1_000_000.0, 1_000_000.0)


def test_contract_table_words_links_and_changes() -> None:
    table = pipeline.contract_table(rows())
    assert table["Notice link"].to_list() == ["https://www.contractsfinder.service.gov.uk/Notice/1", None, None]
    assert table["Published on"].to_list() == ["Contracts Finder", "Contracts Finder", "Find a Tender"]
    assert table["Incumbent size"].to_list() == ["SME", "Large", "Not stated"]
    assert table["IT by CPV"].to_list() == ["IT", "IT", "Not IT"]
    assert table["Extended or re-let"].to_list() == ["Extended from 30 Jun 2026", "Re-let notice published 1 Jun 2026", None]
    assert table["Title"][1] == HOSTILE_TITLE  # a table shows text as text: kept as written
    assert set(pipeline.contract_column_config()) <= set(table.columns)
    assert set(pipeline.buyer_column_config()) <= set(pipeline.by_buyer(rows()).columns)


@pytest.mark.parametrize("value", ["7", "0", "12.0", "x" * 10_000, "'; drop table x; --"])
def test_link_checks(value: str) -> None:
    assert pipeline.horizon_notice([]) is None and pipeline.horizon_notice(["36"]) is None
    notice = pipeline.horizon_notice([value])
    assert notice and "showing 12 months instead" in notice and len(notice) < 300
    assert pipeline.scope_notice(["All"]) is None and pipeline.scope_notice(["IT"]) is None
    scope = pipeline.scope_notice([value])
    assert scope and "showing IT contracts instead" in scope and len(scope) < 300


def test_department_table_and_headline() -> None:
    frame = pl.DataFrame(
        {
            "lineage_id": ["DSIT", "HMRC"],
            "department_name": ["Department for Science, Innovation and Technology", "HM Revenue and Customs"],
            "notices": [21, 6],
            "it_notices": [14, 2],
            "suitable_pct": [76.19, 50.0],
            "awards_size_stated": [9, 0],
            "awarded_sme_pct": [33.33, None],
            "sme_spend_pct": [None, 26.5],
            "sme_spend_year": [None, "2021/22"],
            "has_digital_minister": [True, None],
            "digital_posts": ["Minister for AI and Digital Government", None],
        }
    )
    table = pipeline.department_table(frame)
    assert table["Digital minister"].to_list() == ["Yes", "Not known"]
    assert table["Suitable for SMEs (%)"].to_list() == [76.2, 50.0]
    assert pipeline.department_headline(frame, "from 2023/24 to 2026/27") == (
        "2 departments published 27 notices from 2023/24 to 2026/27; 1 of them had a minister holding digital "
        "responsibility in those years"
    )
    assert pipeline.department_headline(frame.clear(), "in 2012/13").startswith("No central government department")


def test_pipeline_chart_value_bars_labelled_with_counts() -> None:
    today, until = dt.date(2026, 11, 25), dt.date(2027, 5, 25)
    figure = charts.pipeline_figure(rows(), today=today, until=until, horizon=6, scope="IT", place="Leeds")
    assert figure.table.equals(pipeline.by_month(rows(), today, until))
    spec = figure.chart.to_dict()
    bars, labels = spec["layer"]
    assert bars["encoding"]["y"]["field"] == "value_gbp" and "£" in bars["encoding"]["y"]["title"]
    assert labels["mark"]["type"] == "text" and labels["encoding"]["text"]["field"] == "contracts"
    assert spec["title"]["text"].startswith("£4.0m of IT contracts end in the next 6 months")
    assert figure.alt.startswith("Bar chart of the value of the 3 IT contracts in Leeds") and "£4.0m" in figure.alt
