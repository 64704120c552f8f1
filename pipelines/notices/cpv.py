"""Which notices are IT: their CPV codes against the IT divisions and groups in `reference/cpv_it.csv`.

A notice is IT when its main CPV code, or any other code it states (additional classifications and items), falls
in an IT part of the Common Procurement Vocabulary (CPV 2008): software packages (48), IT services (72), computer
equipment (30.2), networks (32.4), telecommunications equipment (32.5), telecommunications services (64.2) and
repair and maintenance of computers (50.3, less its office-machinery and audio-visual classes, which the CPV puts in
the same group). The reference file lists each as a code prefix with `include` or `exclude`; the longest prefix
that matches a code decides, so 50312 (computer equipment) is IT although 5031 (office machinery) is not.

`classify_it` is pure: a frame with `cpv_codes` (comma-joined) and `main_cpv_code` in, the same frame with
`is_it`, `it_rule` (which rule decided), `it_cpv_group` (the reference prefix that matched) and `it_cpv_code`
(the notice's code that matched) out.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl

from pipelines.config import CODE_REFERENCE_DIR

IT_CPV_CSV = CODE_REFERENCE_DIR / "cpv_it.csv"

#: How is_it was decided, most specific first.
IT_RULES = ("main_cpv", "other_cpv", "no_it_cpv", "no_cpv")
IT_RULE_WORDS = {
    "main_cpv": "main CPV code in an IT group",
    "other_cpv": "an additional or item CPV code in an IT group",
    "no_it_cpv": "no CPV code in an IT group",
    "no_cpv": "no CPV code stated",
}


@cache
def it_cpv_rules(path: Path = IT_CPV_CSV) -> pl.DataFrame:
    """The reference: prefix (digits), rule (include/exclude), cpv_code, label, note, source."""
    rules = pl.read_csv(path, infer_schema=False)
    bad = rules.filter(~pl.col("rule").is_in(["include", "exclude"]) | ~pl.col("prefix").str.contains(r"^\d{2,8}$"))
    if bad.height:
        raise ValueError(f"{path.name}: rows with an unknown rule or a prefix that is not 2-8 digits: {bad.rows()}")
    return rules


def normalise_cpv(code: pl.Expr) -> pl.Expr:
    """'72222300-0', ' 72222300 ', '72222300' -> '72222300' (the eight digits before the check digit)."""
    return code.str.strip_chars().str.extract(r"^(\d{8})", 1)


def classify_it(frame: pl.DataFrame, rules: pl.DataFrame | None = None) -> pl.DataFrame:
    """Add is_it, it_rule, it_cpv_group and it_cpv_code (see the module docstring); rows keep their order."""
    rules = it_cpv_rules() if rules is None else rules
    keyed = frame.with_row_index("_row")
    codes = (
        keyed.select(
            "_row",
            normalise_cpv(pl.col("main_cpv_code")).alias("_main"),
            pl.col("cpv_codes").str.split(",").alias("_code"),
        )
        .explode("_code")
        .filter(pl.col("_code").str.strip_chars() != "")
    )
    stated = codes.select("_row").unique().with_columns(pl.lit(True).alias("_stated"))
    codes = (
        codes.with_columns(normalise_cpv(pl.col("_code")).alias("_code"))
        .filter(pl.col("_code").is_not_null())
        .with_columns(pl.int_range(pl.len()).over("_row").alias("_position"))
    )
    prefixes = rules.select(pl.col("prefix").alias("_prefix"), pl.col("rule").alias("_rule"))
    decided = (
        codes.join(prefixes, how="cross")
        .filter(pl.col("_code").str.starts_with(pl.col("_prefix")))
        .sort(pl.col("_prefix").str.len_chars(), descending=True)
        .unique(["_row", "_code"], keep="first")
        .filter(pl.col("_rule") == "include")
        .with_columns((pl.col("_code") == pl.col("_main")).fill_null(False).alias("_is_main"))
        .sort(["_row", "_is_main", "_position"], descending=[False, True, False])
        .unique("_row", keep="first")
        .select(
            "_row",
            pl.when(pl.col("_is_main")).then(pl.lit("main_cpv")).otherwise(pl.lit("other_cpv")).alias("it_rule"),
            pl.col("_prefix").alias("it_cpv_group"),
            pl.col("_code").alias("it_cpv_code"),
        )
    )
    out = (
        keyed.drop("is_it", "it_rule", "it_cpv_group", "it_cpv_code", strict=False)
        .join(decided, on="_row", how="left")
        .join(stated, on="_row", how="left")
        .with_columns(
            pl.col("it_rule").is_not_null().alias("is_it"),
            pl.coalesce(
                "it_rule",
                pl.when(pl.col("_stated")).then(pl.lit("no_it_cpv")).otherwise(pl.lit("no_cpv")),
            ).alias("it_rule"),
        )
        .sort("_row")
        .drop("_row", "_stated")
    )
    return out


def group_label(rules: pl.DataFrame | None = None) -> dict[str, str]:
    """prefix -> 'IT services: consulting, ...' for the included groups (for pages and the dictionary)."""
    rules = it_cpv_rules() if rules is None else rules
    return dict(rules.filter(pl.col("rule") == "include").select("prefix", "label").iter_rows())

