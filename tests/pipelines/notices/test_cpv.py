"""IT classification by CPV code (pipelines/notices/cpv.py): one rule per test on small frames, the reference file
itself, the contract period's source, and the real extract counted independently."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from pipelines.notices.cpv import IT_RULES, classify_it, it_cpv_rules
from pipelines.notices.tables import build_contract_notices
from tests.pipelines.notices.test_contracts_finder import REAL_OCDS, jsonl, load, one_row, release


def classify(*rows: tuple[str | None, str | None]) -> list[dict]:
    frame = pl.DataFrame(rows, schema={"cpv_codes": pl.String, "main_cpv_code": pl.String}, orient="row")
    return classify_it(frame).to_dicts()


def test_main_code_in_an_it_division() -> None:
    (row,) = classify(("72222300", "72222300"))
    assert row == {
        "cpv_codes": "72222300",
        "main_cpv_code": "72222300",
        "is_it": True,
        "it_rule": "main_cpv",
        "it_cpv_group": "72",
        "it_cpv_code": "72222300",
    }


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("48000000", "48"),
        ("72500000", "72"),
        ("30213000", "302"),
        ("32412000", "324"),
        ("32524000", "325"),
        ("64210000", "642"),
        ("50320000", "503"),
        ("50312000", "50312"),
    ],
)
def test_each_it_group_is_recognised(code: str, group: str) -> None:
    (row,) = classify((code, code))
    assert (row["is_it"], row["it_cpv_group"]) == (True, group)


@pytest.mark.parametrize(
    "code",
    [
        "30100000",  # 30.1 office machinery: not IT
        "32300000",  # 32.3 television and radio receivers
        "64100000",  # 64.1 post and courier
        "50310000",  # office machinery repair, excluded from 50.3
        "50313000",  # reprographic machinery repair
        "50340000",  # audio-visual and optical repair, excluded from 50.3
        "45000000",  # construction
        "79417000",  # safety consultancy (cyber security assurance in the sample is not CPV IT)
    ],
)
def test_codes_outside_the_it_groups_are_not_it(code: str) -> None:
    (row,) = classify((code, code))
    assert (row["is_it"], row["it_rule"], row["it_cpv_group"]) == (False, "no_it_cpv", None)


def test_an_item_or_additional_code_makes_it_it() -> None:
    (row,) = classify(("45000000,30213000", "45000000"))
    assert (row["is_it"], row["it_rule"], row["it_cpv_code"]) == (True, "other_cpv", "30213000")


def test_the_main_code_wins_over_an_earlier_other_code() -> None:
    (row,) = classify(("30213000,72000000", "72000000"))
    assert (row["it_rule"], row["it_cpv_code"]) == ("main_cpv", "72000000")


def test_check_digits_and_spaces_are_ignored() -> None:
    (row,) = classify((" 72000000-5, 45000000-7", "72000000-5"))
    assert (row["is_it"], row["it_rule"], row["it_cpv_code"]) == (True, "main_cpv", "72000000")


def test_no_code_and_unreadable_codes() -> None:
    none, empty, short = classify((None, None), ("", None), ("7200", "7200"))
    assert (none["is_it"], none["it_rule"]) == (False, "no_cpv")
    assert (empty["is_it"], empty["it_rule"]) == (False, "no_cpv")
    assert (short["is_it"], short["it_rule"]) == (False, "no_it_cpv")  # stated, but not a CPV code


def test_rows_keep_their_order_and_other_columns() -> None:
    frame = pl.DataFrame(
        {"n": [3, 1, 2], "cpv_codes": ["45000000", "48000000", None], "main_cpv_code": ["45000000", None, None]}
    )
    out = classify_it(frame)
    assert out["n"].to_list() == [3, 1, 2] and out["is_it"].to_list() == [False, True, False]
    assert out["it_rule"].to_list() == ["no_it_cpv", "other_cpv", "no_cpv"]
    assert set(out["it_rule"]) <= set(IT_RULES)


def test_the_reference_names_its_source_and_checks_its_rules(tmp_path: Path) -> None:
    rules = it_cpv_rules()
    assert rules["source"].str.contains("CPV 2008").all()
    included = set(rules.filter(pl.col("rule") == "include")["prefix"])
    assert {"48", "72", "302", "324", "325", "642", "503"} <= included
    for row in rules.iter_rows(named=True):  # the CPV code is the prefix padded with zeros
        assert row["cpv_code"].split("-")[0] == row["prefix"].ljust(8, "0")
    bad = tmp_path / "bad.csv"
    bad.write_text("prefix,rule,cpv_code,label,note,source\n72,maybe,72000000-5,x,,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown rule"):
        it_cpv_rules(bad)


def test_fact_keeps_is_it_and_its_rule(tmp_path: Path) -> None:
    it = release("aaaaaaaa-1111-4222-8333-444444444444-1")
    it["tender"]["classification"] = {"scheme": "CPV", "id": "48000000"}
    other = release("aaaaaaaa-1111-4222-8333-444444444444-2", ocid="ocds-b5fd17-other")
    result = load(jsonl(tmp_path / "r.jsonl", [it, other]))
    fact = build_contract_notices(result.tables)["fact_contract_notice"].sort("notice_id")
    assert fact.select("main_cpv_code", "is_it", "it_rule").rows() == [
        ("48000000", True, "main_cpv"),
        ("63712400", False, "no_it_cpv"),
    ]


def test_contract_period_source_award_then_contract_then_tender(tmp_path: Path) -> None:
    award = one_row(jsonl(tmp_path / "a.jsonl", [release()]))
    assert (award["contract_end"], award["contract_period_source"]) == (dt.date(2025, 4, 23), "award")
    no_award_period = release()
    del no_award_period["awards"][0]["contractPeriod"]
    no_award_period["contracts"] = [{"id": "c-1", "period": {"startDate": "2025-02-01", "endDate": "2027-01-31"}}]
    contract = one_row(jsonl(tmp_path / "c.jsonl", [no_award_period]))
    assert (contract["contract_end"], contract["contract_period_source"]) == (dt.date(2027, 1, 31), "contract")
    tender_only = copy.deepcopy(no_award_period)
    del tender_only["contracts"]
    tender = one_row(jsonl(tmp_path / "t.jsonl", [tender_only]))
    assert (tender["contract_end"], tender["contract_period_source"]) == (dt.date(2026, 1, 5), "tender")
    del tender_only["tender"]["contractPeriod"]
    neither = one_row(jsonl(tmp_path / "n.jsonl", [tender_only]))
    assert (neither["contract_end"], neither["contract_period_source"]) == (None, None)


def independent_is_it(rel: dict, rules: list[tuple[str, str]]) -> bool:
    """The rule restated on the raw JSON with the standard library: any CPV code whose longest matching
    reference prefix is an include."""
    tender = rel.get("tender") or {}
    blocks = [tender.get("classification"), *(tender.get("additionalClassifications") or [])]
    for item in tender.get("items") or []:
        blocks += [item.get("classification"), *(item.get("additionalClassifications") or [])]
    for block in blocks:
        code = str((block or {}).get("id") or "")[:8]
        hits = sorted((p for p in rules if code.startswith(p[0])), key=lambda p: -len(p[0]))
        if hits and hits[0][1] == "include":
            return True
    return False


def test_real_extract_is_it_counted_independently() -> None:
    if not REAL_OCDS.exists():
        pytest.skip(f"real Contracts Finder OCDS extract not present at {REAL_OCDS}")
    rules = list(it_cpv_rules().select("prefix", "rule").iter_rows())
    releases = [json.loads(line) for line in REAL_OCDS.read_text(encoding="utf-8").splitlines() if line.strip()]
    expected = sorted(r["id"] for r in releases if independent_is_it(r, rules))
    fact = build_contract_notices(load(REAL_OCDS).tables)["fact_contract_notice"]
    assert sorted(fact.filter("is_it")["notice_id"]) == expected
    assert len(expected) == 35  # 31 by their main code, 4 by an additional or item code
