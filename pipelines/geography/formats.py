"""ONS geography: LAD lookups, NOMIS population estimates, BUC boundaries and centroids.

ONS publishes the same kinds of file every year with the vintage baked into the
column names (LAD22CD, RGN22NM, CAUTH24CD, ...), so formats here recognise a
*pattern* of header and read the vintage from it instead of hard-coding one year:

- LAD -> region lookup        LADyyCD, LADyyNM, RGNyyCD, RGNyyNM [, ObjectId | FID]
- LAD -> combined authority   LADyyCD, LADyyNM, CAUTHyyCD, CAUTHyyNM [, ObjectId | FID]
- NOMIS population extract    the long quoted NOMIS API header (GEOGRAPHY_CODE, C_AGE_NAME, OBS_VALUE, ...)
- boundary GeoJSON            FeatureCollection whose features carry RGNyyCD / CAUTHyyCD / LADyyCD properties,
                              in EPSG:27700 (reprojected to WGS84 with pyproj) or already WGS84
- centroid CSV                LADyyCD, LADyyNM, BNG_E, BNG_N, LONG, LAT (and the RGN / CAUTH equivalents)

Every file loads into tidy string/number staging frames; rows that break a rule
are rejected with the line (or, for GeoJSON, the 1-based feature number), the
column and the reason. NOMIS rows of every age band are loaded: keeping only
"All Ages" is the build's choice, not a rejection.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from pyproj import Transformer

from pipelines.core.loading import (
    FILE,
    LINE,
    Check,
    FileLoad,
    Format,
    apply_checks,
    bad_line_checks,
    extra_fields_check,
    make_reject,
    reading_csv,
    rejects_from_dicts,
    repeated_header_check,
    scan_csv_strings,
    split_rejects,
    truncated_row_checks,
    unique_names,
)
from pipelines.core.parsing import clean_text, is_count, parse_number
from pipelines.core.textio import Head, PreparedText, UnreadableFileError, prepare_csv, read_text

SOURCE = "ons_geography"
PUBLISHER = "Office for National Statistics (ONS Open Geography Portal; NOMIS for population)"
LICENCE = "Open Government Licence v3.0 (contains OS data © Crown copyright and database right)"

BNG = "EPSG:27700"
WGS84 = "EPSG:4326"

#: ONS column prefix -> our level name (used in stg_boundary / stg_centroid and the warehouse).
LEVELS: dict[str, str] = {"RGN": "region", "CAUTH": "combined_authority", "LAD": "lad"}
LEVEL_LABELS: dict[str, str] = {
    "region": "region code",
    "combined_authority": "combined authority code",
    "lad": "LAD code",
}

#: What a valid code looks like at each level.
CODE_PATTERNS: dict[str, str] = {
    "region": r"^E12\d{6}$",
    "combined_authority": r"^E47\d{6}$",
    "lad": r"^[EWSN]\d{8}$",
}
CODE_EXPECTED: dict[str, str] = {
    "region": "E12 and 6 digits",
    "combined_authority": "E47 and 6 digits",
    "lad": "E, W, S or N and 8 digits",
}
#: NOMIS also reports countries (E92, K02, ...) and groupings; any GSS-shaped code is accepted.
NOMIS_CODE_PATTERN = r"^[EWSNK]\d{8}$"

#: Plausible WGS84 box for the UK and its islands (centroids outside it are rejected).
UK_LON = (-9.0, 2.5)
UK_LAT = (49.0, 61.0)
#: Plausible British National Grid extent (metres), generous.
BNG_X = (-100_000.0, 800_000.0)
BNG_Y = (-100_000.0, 1_400_000.0)

GEOMETRY_DECIMALS = 5
#: How far into a GeoJSON file the matcher looks for a LADyyCD-style property when the
#: first feature's geometry fills the 64 KiB head.
MATCH_SCAN_BYTES = 16 * 1024 * 1024

_GEO_CELL = re.compile(r"^(LAD|RGN|CAUTH)(\d{2})(CD|NM)$", re.IGNORECASE)
_GEO_PROPERTY = re.compile(r'"(LAD|RGN|CAUTH)(\d{2})CD"\s*:', re.IGNORECASE)
_FEATURE_COLLECTION = re.compile(r'"type"\s*:\s*"FeatureCollection"')
_COORD_CELLS = {"long", "lat", "bng_e", "bng_n"}

STG_LAD_REGION = "stg_lad_region"
STG_LAD_CAUTH = "stg_lad_cauth"
STG_POPULATION = "stg_population"
STG_BOUNDARY = "stg_boundary"
STG_CENTROID = "stg_centroid"

STAGING_SCHEMAS: dict[str, pl.Schema] = {
    STG_LAD_REGION: pl.Schema(
        {
            "lad_code": pl.String(),
            "lad_name": pl.String(),
            "region_code": pl.String(),
            "region_name": pl.String(),
            "vintage": pl.Int32(),
            FILE: pl.String(),
            LINE: pl.Int64(),
        }
    ),
    STG_LAD_CAUTH: pl.Schema(
        {
            "lad_code": pl.String(),
            "lad_name": pl.String(),
            "ca_code": pl.String(),
            "ca_name": pl.String(),
            "vintage": pl.Int32(),
            FILE: pl.String(),
            LINE: pl.Int64(),
        }
    ),
    STG_POPULATION: pl.Schema(
        {
            "geography_code": pl.String(),
            "geography_name": pl.String(),
            "geography_type": pl.String(),
            "age_name": pl.String(),
            "gender_name": pl.String(),
            "measure_name": pl.String(),
            "population": pl.Int64(),
            "year": pl.Int32(),
            FILE: pl.String(),
            LINE: pl.Int64(),
        }
    ),
    STG_BOUNDARY: pl.Schema(
        {
            "level": pl.String(),
            "code": pl.String(),
            "name": pl.String(),
            "vintage": pl.Int32(),
            "geometry": pl.String(),
            "longitude": pl.Float64(),
            "latitude": pl.Float64(),
            "centroid_source": pl.String(),
            "source_crs": pl.String(),
            FILE: pl.String(),
            LINE: pl.Int64(),
        }
    ),
    STG_CENTROID: pl.Schema(
        {
            "level": pl.String(),
            "code": pl.String(),
            "name": pl.String(),
            "vintage": pl.Int32(),
            "longitude": pl.Float64(),
            "latitude": pl.Float64(),
            FILE: pl.String(),
            LINE: pl.Int64(),
        }
    ),
}


# --------------------------------------------------------------------------------------------
# Header recognition (CSV)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GeoHeader:
    """An ONS-style CSV header: where it is, its cells, and which geography columns it has."""

    line: int  # 0-based physical line
    cells: list[str]  # stripped header cells as written
    names: list[str]  # usable column names (unique_names)
    geo: dict[tuple[str, str], tuple[str, int]]  # (PREFIX, CD|NM) -> (column name, vintage year)

    def column(self, wanted: str) -> str | None:
        """The header column whose name equals `wanted`, ignoring case and spaces."""
        want = wanted.strip().lower()
        return next((n for n in self.names if n.strip().lower() == want), None)

    def has(self, prefix: str, kind: str = "CD") -> bool:
        return (prefix, kind) in self.geo

    @property
    def prefixes(self) -> set[str]:
        return {p for p, _ in self.geo}

    @property
    def has_coordinates(self) -> bool:
        return any(n.strip().lower() in _COORD_CELLS for n in self.names)


def geo_header(head: Head, max_lines: int = 3) -> GeoHeader | None:
    """The first of the first `max_lines` rows that holds an ONS geography code column."""
    if head.kind != "text":
        return None
    for idx, row in enumerate(head.csv_rows(max_lines)):
        cells = [c.strip() for c in row]
        names = unique_names(cells)
        geo: dict[tuple[str, str], tuple[str, int]] = {}
        for name in names:
            m = _GEO_CELL.match(name.strip())
            if m and (m.group(1).upper(), m.group(3).upper()) not in geo:
                geo[(m.group(1).upper(), m.group(3).upper())] = (name, 2000 + int(m.group(2)))
        if any(kind == "CD" for _, kind in geo):
            return GeoHeader(line=idx, cells=cells, names=names, geo=geo)
    return None


def _matches_lookup(head: Head, target: str, excluded: str) -> bool:
    header = geo_header(head)
    return (
        header is not None
        and header.has("LAD")
        and header.has(target)
        and not header.has(excluded)
        and not header.has_coordinates
    )


def matches_lad_region(head: Head) -> bool:
    """LADyyCD + RGNyyCD columns, no CAUTH columns, no coordinates."""
    return _matches_lookup(head, "RGN", "CAUTH")


def matches_lad_cauth(head: Head) -> bool:
    """LADyyCD + CAUTHyyCD columns, no RGN columns, no coordinates."""
    return _matches_lookup(head, "CAUTH", "RGN")


def matches_centroids(head: Head) -> bool:
    """Exactly one of LADyyCD / RGNyyCD / CAUTHyyCD plus coordinate columns (LONG/LAT or BNG_E/BNG_N)."""
    header = geo_header(head)
    if header is None or not header.has_coordinates:
        return False
    return len({p for p, kind in header.geo if kind == "CD"}) == 1


NOMIS_KEY_COLUMNS = {"GEOGRAPHY_CODE", "C_AGE_NAME", "OBS_VALUE"}
#: What a NOMIS population extract needs (for the build's "looks like X but lacks Y" diagnosis).
NOMIS_REQUIRED = ("DATE", "GEOGRAPHY_CODE", "GEOGRAPHY_NAME", "C_AGE_NAME", "OBS_VALUE")


def matches_nomis_population(head: Head) -> bool:
    """A NOMIS API CSV with an age dimension: GEOGRAPHY_CODE, C_AGE_NAME and OBS_VALUE in the header."""
    return head.kind == "text" and head.find_header(NOMIS_KEY_COLUMNS, max_lines=3) is not None


def matches_boundaries(head: Head) -> bool:
    """A GeoJSON FeatureCollection whose features carry an ONS LADyyCD / RGNyyCD / CAUTHyyCD property."""
    if head.kind not in ("json", "jsonl") or not _FEATURE_COLLECTION.search(head.text):
        return False
    if _GEO_PROPERTY.search(head.text):
        return True
    return _scan_for_property(head.path)


def _scan_for_property(path: Path) -> bool:
    """Look further into a large GeoJSON whose first geometry fills the head window."""
    overlap = b""
    read = 0
    pattern = re.compile(_GEO_PROPERTY.pattern.encode(), re.IGNORECASE)
    with open(path, "rb") as fh:
        while read < MATCH_SCAN_BYTES:
            chunk = fh.read(1024 * 1024)
            if not chunk:
                return False
            read += len(chunk)
            if pattern.search(overlap + chunk):
                return True
            overlap = chunk[-64:]
    return False


# --------------------------------------------------------------------------------------------
# CSV loading shared by the lookups and centroid files
# --------------------------------------------------------------------------------------------


def _prepared_notes(prepared: PreparedText) -> list[str]:
    return [f"{prepared.encoding}, {prepared.line_endings} line endings"]


def _require(path: Path, header_line: int, column: str | None, label: str) -> str:
    if column is None:
        raise UnreadableFileError(path, f"missing required column {label}", line=header_line + 1, column=label)
    return column


def _with(check: Check, column: str, value: pl.Expr) -> Check:
    """Report a shared check under the publisher's column name with the staging value."""
    return dataclasses.replace(check, column=column, value=value)


def code_checks(staging: str, original: str, level: str) -> list[Check]:
    """Missing or malformed geography code at `level`."""
    label = LEVEL_LABELS[level]
    return [
        Check(original, pl.col(staging).is_null(), f"missing {label}", value=pl.col(staging)),
        Check(
            original,
            ~pl.col(staging).str.contains(CODE_PATTERNS[level]),
            f"not a {label} (expected {CODE_EXPECTED[level]})",
            value=pl.col(staging),
        ),
    ]


def name_check(staging: str, original: str, label: str) -> Check:
    return Check(original, pl.col(staging).is_null(), f"missing {label}", value=pl.col(staging))


def duplicate_check(keys: Sequence[str], original: str, what: str) -> Check:
    """A later row repeating the key of an earlier row in the same file."""
    first_line = pl.col(LINE).min().over(keys)
    return Check(
        original,
        pl.col(keys[0]).is_not_null() & (pl.col(LINE) != first_line),
        pl.format("duplicate {} (first on line {})", pl.lit(what), first_line),
        value=pl.col(keys[0]),
    )


def _frame_checks(prepared: PreparedText, header: GeoHeader, pairs: Sequence[tuple[str, str]]) -> list[Check]:
    """Truncated-row, encoding, ragged-row and repeated-header checks every CSV gets, in that order.

    `pairs` are (staging column, publisher column) for the first columns of the header,
    which a repeated header row would repeat.
    """
    staging = [s for s, _ in pairs]
    original = [o for _, o in pairs]
    repeated = repeated_header_check(staging, original)
    return [
        *truncated_row_checks(prepared.path, header.names),
        *bad_line_checks(prepared.bad_lines, header.cells),
        extra_fields_check(),
        _with(repeated, original[0], pl.col(staging[0])),
    ]


def _finish(
    path: Path,
    fmt: str,
    checked: pl.LazyFrame,
    table: str,
    prepared: PreparedText,
    extra: dict[str, pl.Expr] | None = None,
    period: str = "",
    notes: Iterable[str] = (),
) -> FileLoad:
    frame = checked.collect()
    good, rejects = split_rejects(frame, path, SOURCE, fmt)
    good = good.with_columns(pl.lit(path.name).alias(FILE), **(extra or {}))
    staged = good.select(list(STAGING_SCHEMAS[table])).cast(STAGING_SCHEMAS[table])
    load = FileLoad(
        path=path,
        source=SOURCE,
        format=fmt,
        tables={table: staged},
        rejects=rejects,
        rows_read=frame.height,
        rows_loaded=staged.height,
        notes=[*_prepared_notes(prepared), *notes],
        encoding=prepared.encoding,
        period=period,
    )
    load.check_reconciles()
    return load


def _scan_renamed(
    path: Path, workdir: Path, header: GeoHeader, mapping: Mapping[str, str | None]
) -> tuple[pl.LazyFrame, PreparedText]:
    """Scan as strings and rename publisher columns to staging names (absent ones become null)."""
    prepared = prepare_csv(path, workdir)
    lf = scan_csv_strings(prepared.path, header.line, header.names)
    cols = [
        clean_text(pl.col(orig)).alias(stg) if orig else pl.lit(None, dtype=pl.String).alias(stg)
        for stg, orig in mapping.items()
    ]
    return lf.select(*cols, pl.col("_extra"), pl.col(LINE)), prepared


def _upper(*columns: str) -> list[pl.Expr]:
    return [pl.col(c).str.to_uppercase() for c in columns]


# --------------------------------------------------------------------------------------------
# (1) LAD -> region and (2) LAD -> combined authority lookups
# --------------------------------------------------------------------------------------------


def _load_lookup(path: Path, head: Head, workdir: Path, *, fmt: str, prefix: str, table: str) -> FileLoad:
    header = geo_header(head)
    if header is None:
        raise UnreadableFileError(path, "no LADyyCD header found")
    level = LEVELS[prefix]
    target = "region" if prefix == "RGN" else "ca"
    line = header.line
    lad_cd, vintage = header.geo.get(("LAD", "CD"), (None, 0))
    lad_cd = _require(path, line, lad_cd, "LADyyCD")
    yy = f"{vintage % 100:02d}"
    lad_nm = _require(path, line, header.geo.get(("LAD", "NM"), (None, 0))[0], f"LAD{yy}NM")
    tgt_cd = _require(path, line, header.geo.get((prefix, "CD"), (None, 0))[0], f"{prefix}{yy}CD")
    tgt_nm = _require(path, line, header.geo.get((prefix, "NM"), (None, 0))[0], f"{prefix}{yy}NM")
    mapping = {"lad_code": lad_cd, "lad_name": lad_nm, f"{target}_code": tgt_cd, f"{target}_name": tgt_nm}
    lf, prepared = _scan_renamed(path, workdir, header, mapping)
    lf = lf.with_columns(_upper("lad_code", f"{target}_code"))
    checks = [
        *_frame_checks(prepared, header, [("lad_code", lad_cd), ("lad_name", lad_nm), (f"{target}_code", tgt_cd)]),
        *code_checks("lad_code", lad_cd, "lad"),
        name_check("lad_name", lad_nm, "LAD name"),
        *code_checks(f"{target}_code", tgt_cd, level),
        name_check(f"{target}_name", tgt_nm, f"{LEVEL_LABELS[level].removesuffix(' code')} name"),
        duplicate_check(["lad_code"], lad_cd, "LAD code"),
    ]
    return _finish(
        path,
        fmt,
        apply_checks(lf, checks),
        table,
        prepared,
        extra={"vintage": pl.lit(vintage, dtype=pl.Int32)},
        period=f"{vintage} geography ({lad_cd})",
    )


def load_lad_region(path: Path, head: Head, workdir: Path) -> FileLoad:
    """LAD -> region lookup of any vintage into stg_lad_region."""
    return _load_lookup(path, head, workdir, fmt="ons_lad_region_lookup", prefix="RGN", table=STG_LAD_REGION)


def load_lad_cauth(path: Path, head: Head, workdir: Path) -> FileLoad:
    """LAD -> combined authority lookup of any vintage into stg_lad_cauth (only LADs inside a CA are listed)."""
    return _load_lookup(path, head, workdir, fmt="ons_lad_cauth_lookup", prefix="CAUTH", table=STG_LAD_CAUTH)


# --------------------------------------------------------------------------------------------
# (3) NOMIS population extract
# --------------------------------------------------------------------------------------------

NOMIS_COLUMNS = {
    "geography_code": ("GEOGRAPHY_CODE", True),
    "geography_name": ("GEOGRAPHY_NAME", True),
    "geography_type": ("GEOGRAPHY_TYPE", False),
    "age_name": ("C_AGE_NAME", True),
    "gender_name": ("GENDER_NAME", False),
    "measure_name": ("MEASURES_NAME", False),
    "obs_value": ("OBS_VALUE", True),
    "date": ("DATE", True),
}


def load_nomis_population(path: Path, head: Head, workdir: Path) -> FileLoad:
    """Every row of a NOMIS population-estimates extract into stg_population (all age bands)."""
    fmt = "nomis_population_estimates"
    found = head.find_header(NOMIS_KEY_COLUMNS, max_lines=3)
    if found is None:
        raise UnreadableFileError(path, "no NOMIS header (GEOGRAPHY_CODE, C_AGE_NAME, OBS_VALUE) found")
    line, cells = found
    header = GeoHeader(line=line, cells=cells, names=unique_names(cells), geo={})
    mapping: dict[str, str | None] = {}
    for stg, (publisher, is_required) in NOMIS_COLUMNS.items():
        col = header.column(publisher)
        if col is None and publisher == "DATE":
            col = header.column("DATE_NAME")
        mapping[stg] = _require(path, line, col, publisher) if is_required else col
    lf, prepared = _scan_renamed(path, workdir, header, mapping)
    population = parse_number(pl.col("obs_value"))
    year = pl.col("date").str.extract(r"^(\d{4})").cast(pl.Int32, strict=False)
    lf = lf.with_columns(_upper("geography_code")).with_columns(population.alias("_population"), year.alias("year"))
    obs = mapping["obs_value"] or "OBS_VALUE"
    code = mapping["geography_code"] or "GEOGRAPHY_CODE"
    checks = [
        *_frame_checks(prepared, header, _aligned(header, mapping)),
        Check(code, pl.col("geography_code").is_null(), "missing geography code", value=pl.col("geography_code")),
        Check(
            code,
            ~pl.col("geography_code").str.contains(NOMIS_CODE_PATTERN),
            "not a GSS geography code (expected a letter E/W/S/N/K and 8 digits)",
            value=pl.col("geography_code"),
        ),
        name_check("geography_name", mapping["geography_name"] or "GEOGRAPHY_NAME", "geography name"),
        name_check("age_name", mapping["age_name"] or "C_AGE_NAME", "age band (C_AGE_NAME)"),
        Check(obs, pl.col("obs_value").is_null(), "missing population (OBS_VALUE)", value=pl.col("obs_value")),
        Check(
            obs,
            pl.col("_population").is_null() | ~is_count(pl.col("_population")),
            "not a population count (a whole number, 0 or more)",
            value=pl.col("obs_value"),
        ),
        Check(
            mapping["date"] or "DATE",
            pl.col("year").is_null() | ~pl.col("year").is_between(1900, 2100),
            "not a year",
            value=pl.col("date"),
        ),
        duplicate_check(
            ["geography_code", "geography_type", "age_name", "gender_name", "measure_name", "year"],
            code,
            "geography, geography type, age band, sex, measure and year",
        ),
    ]
    checked = apply_checks(lf, checks).with_columns(
        pl.col("_population").cast(pl.Int64, strict=False).alias("population")
    )
    load = _finish(path, fmt, checked, STG_POPULATION, prepared)
    staged = load.tables[STG_POPULATION]
    assert isinstance(staged, pl.DataFrame)  # _finish collects the staged rows
    lo, hi = staged["year"].min(), staged["year"].max()
    if isinstance(lo, int) and isinstance(hi, int):  # None when no row was staged (rows without a year are rejected)
        load.period = f"mid-{lo}" if lo == hi else f"mid-{lo} .. mid-{hi}"
    return load


def _aligned(header: GeoHeader, mapping: dict[str, str | None]) -> list[tuple[str, str]]:
    """(staging, publisher) pairs in header order, first three, for the repeated-header check."""
    by_original = {orig: stg for stg, orig in mapping.items() if orig}
    return [(by_original[n], n) for n in header.names if n in by_original][:3]


# --------------------------------------------------------------------------------------------
# (5) centroid CSVs
# --------------------------------------------------------------------------------------------


def load_centroids(path: Path, head: Head, workdir: Path) -> FileLoad:
    """ONS-style centroid CSV (XXyyCD, XXyyNM, BNG_E, BNG_N, LONG, LAT) into stg_centroid.

    LONG/LAT are used when present; a file with only BNG_E/BNG_N is reprojected from EPSG:27700.
    """
    fmt = "ons_centroids"
    header = geo_header(head)
    if header is None:
        raise UnreadableFileError(path, "no XXyyCD header found")
    prefix = next(p for p, kind in header.geo if kind == "CD")
    level = LEVELS[prefix]
    code_col, vintage = header.geo[(prefix, "CD")]
    yy = f"{vintage % 100:02d}"
    name_col = _require(path, header.line, header.geo.get((prefix, "NM"), (None, 0))[0], f"{prefix}{yy}NM")
    lon_col, lat_col = header.column("LONG"), header.column("LAT")
    e_col, n_col = header.column("BNG_E"), header.column("BNG_N")
    use_wgs = lon_col is not None and lat_col is not None
    if not use_wgs and (e_col is None or n_col is None):
        missing = "LAT" if lon_col else "LONG" if lat_col else "BNG_N" if e_col else "BNG_E"
        _require(path, header.line, None, f"{missing} (need LONG and LAT, or BNG_E and BNG_N)")
    x_col, y_col = (lon_col, lat_col) if use_wgs else (e_col, n_col)
    assert x_col and y_col
    mapping: dict[str, str | None] = {"code": code_col, "name": name_col, "_x": x_col, "_y": y_col}
    lf, prepared = _scan_renamed(path, workdir, header, mapping)
    lf = lf.with_columns(_upper("code")).with_columns(
        parse_number(pl.col("_x")).alias("_xn"), parse_number(pl.col("_y")).alias("_yn")
    )
    x_range, y_range = (UK_LON, UK_LAT) if use_wgs else (BNG_X, BNG_Y)
    checks = [
        *_frame_checks(prepared, header, [("code", code_col), ("name", name_col)]),
        *code_checks("code", code_col, level),
        name_check("name", name_col, "name"),
        *_coordinate_checks("_x", "_xn", x_col, x_range),
        *_coordinate_checks("_y", "_yn", y_col, y_range),
        duplicate_check(["code"], code_col, LEVEL_LABELS[level]),
    ]
    frame = apply_checks(lf, checks).collect()
    if use_wgs:
        frame = frame.with_columns(pl.col("_xn").alias("longitude"), pl.col("_yn").alias("latitude"))
    else:
        lon, lat = _to_wgs84(frame["_xn"].fill_null(0).to_numpy(), frame["_yn"].fill_null(0).to_numpy())
        frame = frame.with_columns(
            pl.Series("longitude", np.round(lon, GEOMETRY_DECIMALS)),
            pl.Series("latitude", np.round(lat, GEOMETRY_DECIMALS)),
        )
    notes = [] if use_wgs else ["no LONG/LAT columns: BNG_E/BNG_N reprojected from EPSG:27700"]
    extra = {"level": pl.lit(level), "vintage": pl.lit(vintage, dtype=pl.Int32)}
    return _finish(
        path, fmt, frame.lazy(), STG_CENTROID, prepared, extra=extra, period=f"{vintage} geography", notes=notes
    )


def _coordinate_checks(raw: str, parsed: str, original: str, bounds: tuple[float, float]) -> list[Check]:
    lo, hi = bounds
    return [
        Check(original, pl.col(raw).is_null(), f"missing {original}", value=pl.col(raw)),
        Check(original, pl.col(parsed).is_null(), "not a number", value=pl.col(raw)),
        Check(original, ~pl.col(parsed).is_between(lo, hi), f"outside the UK ({lo:g} .. {hi:g})", value=pl.col(raw)),
    ]


# --------------------------------------------------------------------------------------------
# (4) boundary GeoJSON
# --------------------------------------------------------------------------------------------


@cache
def _bng_to_wgs84() -> Transformer:
    return Transformer.from_crs(BNG, WGS84, always_xy=True)


def _to_wgs84(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = _bng_to_wgs84().transform(x, y)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _polygons(geometry: dict[str, Any]) -> Any:
    """A Polygon's coordinates wrapped as one polygon, a MultiPolygon's as published (callers check the shape)."""
    coords = geometry.get("coordinates")
    return [coords] if geometry.get("type") == "Polygon" else coords


def geometry_problem(geometry: object, crs: str) -> str | None:
    """Why a GeoJSON geometry cannot be used as an area boundary (None when it can).

    Only Polygon and MultiPolygon are areas; every ring must be a closed list of at
    least four numeric positions inside the plausible range of `crs`.
    """
    if not isinstance(geometry, dict):
        return "missing geometry"
    gtype = geometry.get("type")
    if gtype not in ("Polygon", "MultiPolygon"):
        return f"geometry type {gtype!r} is not Polygon or MultiPolygon"
    polygons = _polygons(geometry)
    if not isinstance(polygons, list) or not polygons:
        return "empty geometry (no polygons)"
    x_range, y_range = (BNG_X, BNG_Y) if crs == BNG else ((-180.0, 180.0), (-90.0, 90.0))
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return "empty polygon (no rings)"
        for ring in polygon:
            problem = _ring_problem(ring, x_range, y_range, crs)
            if problem:
                return problem
    return None


def _ring_problem(ring: object, x_range: tuple[float, float], y_range: tuple[float, float], crs: str) -> str | None:
    if not isinstance(ring, list) or not ring:
        return "empty ring"
    for pos in ring:
        if not isinstance(pos, list) or len(pos) < 2 or not (_is_number(pos[0]) and _is_number(pos[1])):
            return f"non-numeric coordinate {json.dumps(pos)[:60]}"
        if not (x_range[0] <= pos[0] <= x_range[1] and y_range[0] <= pos[1] <= y_range[1]):
            return f"coordinate {pos[:2]} outside the {crs} range"
    if len(ring) < 4:
        return f"ring has {len(ring)} positions (a closed ring needs at least 4)"
    if ring[0][:2] != ring[-1][:2]:
        return "unclosed ring (first and last positions differ)"
    return None


def _detect_crs(path: Path, doc: dict[str, Any], features: list[Any]) -> tuple[str, str]:
    """(crs, how it was decided): the `crs` member when present, else coordinate magnitude."""
    crs = doc.get("crs")
    if isinstance(crs, dict):
        props = crs.get("properties")
        name = str(props.get("name", "")) if isinstance(props, dict) else ""
        if "27700" in name:
            return BNG, f"crs member {name}"
        if "4326" in name or "CRS84" in name.upper():
            return WGS84, f"crs member {name}"
        raise UnreadableFileError(path, f"unsupported CRS {name!r} (expected EPSG:27700 or EPSG:4326)", column="crs")
    biggest = 0.0
    for feature in features[:50]:
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        for x, y in _first_positions(geometry, 20):
            biggest = max(biggest, abs(x), abs(y))
    if biggest > 180:
        return BNG, "no crs member; coordinates in metres, taken as EPSG:27700"
    return WGS84, "no crs member; coordinates in degrees, taken as WGS84"


def _first_positions(geometry: object, limit: int) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return out
    polygons = _polygons(geometry)
    for polygon in polygons if isinstance(polygons, list) else []:
        for ring in polygon if isinstance(polygon, list) else []:
            for pos in ring if isinstance(ring, list) else []:
                if isinstance(pos, list) and len(pos) >= 2 and _is_number(pos[0]) and _is_number(pos[1]):
                    out.append((float(pos[0]), float(pos[1])))
                    if len(out) >= limit:
                        return out
    return out


def _reproject(geometry: dict[str, Any], crs: str) -> list[Any]:
    """Polygon rings as [[lon, lat], ...] rounded to 5 dp (a MultiPolygon's list of polygons)."""
    polygons = _polygons(geometry)
    flat = [pos for polygon in polygons for ring in polygon for pos in ring]
    xs = np.fromiter((p[0] for p in flat), dtype=float, count=len(flat))
    ys = np.fromiter((p[1] for p in flat), dtype=float, count=len(flat))
    if crs == BNG:
        xs, ys = _to_wgs84(xs, ys)
    xs, ys = np.round(xs, GEOMETRY_DECIMALS), np.round(ys, GEOMETRY_DECIMALS)
    out: list[Any] = []
    i = 0
    for polygon in polygons:
        rings = []
        for ring in polygon:
            n = len(ring)
            rings.append([[float(x), float(y)] for x, y in zip(xs[i : i + n], ys[i : i + n], strict=True)])
            i += n
        out.append(rings)
    return out


def area_centroid(polygons: list[Any]) -> tuple[float, float]:
    """Area-weighted centroid of the outer rings (shoelace); the vertex mean for degenerate shapes.

    Computed on lon/lat directly: good to a few hundred metres at England's size, which is
    all a map label needs.
    """
    total = cx = cy = 0.0
    points: list[list[float]] = []
    for polygon in polygons:
        ring = polygon[0]
        points.extend(ring)
        for (x0, y0), (x1, y1) in zip(ring[:-1], ring[1:], strict=True):
            cross = x0 * y1 - x1 * y0
            total += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    if abs(total) < 1e-12:
        return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
    return (cx / (3 * total), cy / (3 * total))


def _property(props: dict[str, Any], wanted: str) -> Any:
    want = wanted.lower()
    return next((v for k, v in props.items() if k.lower() == want), None)


def _level_of(features: list[Any]) -> tuple[str, int, str, str] | None:
    """(prefix, vintage, code key, name key) from the first feature with an ONS code property.

    When a feature carries several (a LAD file that also lists its region) the finest level wins.
    """
    for feature in features:
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            continue
        found: dict[str, tuple[int, str]] = {}
        for key in props:
            m = _GEO_CELL.match(str(key))
            if m and m.group(3).upper() == "CD":
                found.setdefault(m.group(1).upper(), (2000 + int(m.group(2)), m.group(2)))
        for prefix in ("LAD", "CAUTH", "RGN"):
            if prefix in found:
                vintage, yy = found[prefix]
                return prefix, vintage, f"{prefix}{yy}CD", f"{prefix}{yy}NM"
    return None


def load_boundaries(path: Path, head: Head, workdir: Path) -> FileLoad:
    """ONS boundary FeatureCollection (region / CA / LAD) into stg_boundary, reprojected to WGS84.

    source_line is the feature's 1-based position in the collection.
    """
    fmt = "ons_boundaries_geojson"
    try:
        doc = json.loads(read_text(path))
    except ValueError as exc:
        raise UnreadableFileError(
            path, f"not valid JSON: {getattr(exc, 'msg', exc)}", line=getattr(exc, "lineno", None)
        ) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise UnreadableFileError(path, "not a GeoJSON FeatureCollection", column="type")
    features = doc.get("features")
    if not isinstance(features, list):
        raise UnreadableFileError(path, "FeatureCollection has no features list", column="features")
    level_info = _level_of(features)
    if level_info is None and features:
        raise UnreadableFileError(path, "no feature has a LADyyCD / RGNyyCD / CAUTHyyCD property", column="properties")
    crs, crs_note = _detect_crs(path, doc, features)
    rows: list[dict[str, Any]] = []
    rejects: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    if level_info is not None:
        prefix, vintage, code_key, name_key = level_info
        level = LEVELS[prefix]
        for number, feature in enumerate(features, start=1):
            row, reject = _boundary_row(feature, number, level, vintage, code_key, name_key, crs, seen)
            if reject:
                rejects.append(make_reject(path, SOURCE, fmt, number, *reject))
            else:
                row[FILE] = path.name
                rows.append(row)
    frame = pl.DataFrame(rows, schema=STAGING_SCHEMAS[STG_BOUNDARY]) if rows else pl.DataFrame(schema=STAGING_SCHEMAS[STG_BOUNDARY])
    load = FileLoad(
        path=path,
        source=SOURCE,
        format=fmt,
        tables={STG_BOUNDARY: frame},
        rejects=rejects_from_dicts(rejects),
        rows_read=len(features),
        rows_loaded=frame.height,
        notes=[crs_note, "source_line is the feature number", *([] if crs == WGS84 else ["reprojected to WGS84"])],
        encoding="utf-8",
        period=f"{level_info[1]} geography" if level_info else "",
    )
    load.check_reconciles()
    return load


def _boundary_row(
    feature: object,
    number: int,
    level: str,
    vintage: int,
    code_key: str,
    name_key: str,
    crs: str,
    seen: dict[str, int],
) -> tuple[dict[str, Any], tuple[str, object, str] | None]:
    """One staging row, or (column, value, reason) when the feature is rejected."""
    if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
        return {}, ("properties", None, "feature has no properties object")
    props: dict[str, Any] = feature["properties"]
    raw_code = _property(props, code_key)
    code = str(raw_code).strip().upper() if raw_code not in (None, "") else None
    if code is None:
        return {}, (code_key, None, f"missing {LEVEL_LABELS[level]}")
    if not re.match(CODE_PATTERNS[level], code):
        return {}, (code_key, raw_code, f"not a {LEVEL_LABELS[level]} (expected {CODE_EXPECTED[level]})")
    raw_name = _property(props, name_key)
    name = str(raw_name).strip() if raw_name not in (None, "") else None
    if name is None:
        return {}, (name_key, None, "missing name")
    geometry = feature.get("geometry")
    problem = geometry_problem(geometry, crs)
    if problem:
        gtype = geometry.get("type") if isinstance(geometry, dict) else None
        return {}, ("geometry", gtype, problem)
    if code in seen:
        return {}, (code_key, code, f"duplicate {LEVEL_LABELS[level]} (first in feature {seen[code]})")
    seen[code] = number
    assert isinstance(geometry, dict)
    polygons = _reproject(geometry, crs)
    coords: Any = polygons[0] if geometry["type"] == "Polygon" else polygons
    lon, lat = _property(props, "LONG"), _property(props, "LAT")
    if _is_number(lon) and _is_number(lat) and UK_LON[0] <= lon <= UK_LON[1] and UK_LAT[0] <= lat <= UK_LAT[1]:
        centroid, source = (float(lon), float(lat)), "LONG/LAT property"
    else:
        centroid, source = area_centroid(polygons), "computed from geometry"
    row = {
        "level": level,
        "code": code,
        "name": name,
        "vintage": vintage,
        "geometry": json.dumps({"type": geometry["type"], "coordinates": coords}, separators=(",", ":")),
        "longitude": round(centroid[0], GEOMETRY_DECIMALS),
        "latitude": round(centroid[1], GEOMETRY_DECIMALS),
        "centroid_source": source,
        "source_crs": crs,
        LINE: number,
    }
    return row, None


# --------------------------------------------------------------------------------------------

_ONS_CODE_COLUMN = re.compile(r"^(LAD|RGN|CAUTH|CTY|UTLA)\d\dCD$", re.IGNORECASE)


def resembles_ons_csv(head: Head) -> bool:
    """A CSV with an ONS code column (LAD24CD, RGN22CD, CAUTH25CD, ...) in one of its first rows."""
    return any(_ONS_CODE_COLUMN.match(cell.strip()) for row in head.csv_rows(6) for cell in row)


def resembles_geojson(head: Head) -> bool:
    return head.kind == "json" and '"FeatureCollection"' in head.text


FORMATS: list[Format] = [
    Format(
        id="ons_lad_region_lookup",
        description="ONS Local Authority District to Region lookup (any vintage: LADyyCD, LADyyNM, RGNyyCD, RGNyyNM)",
        matches=matches_lad_region,
        load=reading_csv(load_lad_region),
        resembles=resembles_ons_csv,
        source=SOURCE,
        publisher=PUBLISHER,
        licence=LICENCE,
    ),
    Format(
        id="ons_lad_cauth_lookup",
        description="ONS Local Authority District to Combined Authority lookup (LADyyCD, LADyyNM, CAUTHyyCD, CAUTHyyNM)",
        matches=matches_lad_cauth,
        load=reading_csv(load_lad_cauth),
        source=SOURCE,
        publisher=PUBLISHER,
        licence=LICENCE,
    ),
    Format(
        id="nomis_population_estimates",
        description="NOMIS API extract of ONS mid-year population estimates by age band (GEOGRAPHY_CODE, C_AGE_NAME, OBS_VALUE)",
        matches=matches_nomis_population,
        load=reading_csv(load_nomis_population),
        required_columns=tuple(NOMIS_REQUIRED),
        source=SOURCE,
        publisher=PUBLISHER,
        licence=LICENCE,
    ),
    Format(
        id="ons_boundaries_geojson",
        description="ONS boundary GeoJSON (regions, combined authorities, LADs; EPSG:27700 or WGS84)",
        matches=matches_boundaries,
        load=load_boundaries,
        resembles=resembles_geojson,
        source=SOURCE,
        publisher=PUBLISHER,
        licence=LICENCE,
    ),
    Format(
        id="ons_centroids",
        description="ONS area centroids CSV (XXyyCD, XXyyNM, BNG_E, BNG_N, LONG, LAT for LAD / RGN / CAUTH)",
        matches=matches_centroids,
        load=reading_csv(load_centroids),
        source=SOURCE,
        publisher=PUBLISHER,
        licence=LICENCE,
    ),
]
