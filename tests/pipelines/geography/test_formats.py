"""ONS geography formats: lookups, NOMIS population, boundary GeoJSON, centroids, and the sample."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from pipelines.config import ROOT
from pipelines.core.loading import FileLoad
from pipelines.core.textio import UnreadableFileError, read_head
from pipelines.geography import formats as ons
from pipelines.geography import sample

REAL = ROOT.parent / "shared" / "data" / "ons-geography"
REGION_LOOKUP = "Local_Authority_District_to_Region_(December_2022)_Lookup_in_England.csv"
BOM = b"\xef\xbb\xbf"


# --------------------------------------------------------------------------------------------
# helpers (also used by test_geography.py)
# --------------------------------------------------------------------------------------------


def matching_formats(path: Path) -> list[str]:
    head = read_head(path)
    return [f.id for f in ons.FORMATS if f.matches(head)]


def load(path: Path, workdir: Path) -> FileLoad:
    """Detect the one ONS format of `path` and load it (asserting counts reconcile)."""
    head = read_head(path)
    formats = [f for f in ons.FORMATS if f.matches(head)]
    assert len(formats) == 1, f"{path.name}: formats {[f.id for f in formats]}"
    result = formats[0].load(path, head, workdir)
    assert result.rows_read == result.rows_loaded + result.rejects.height
    return result


def load_folder(folder: Path, workdir: Path) -> tuple[dict[str, pl.DataFrame], list[FileLoad]]:
    """Every recognised file under `folder` loaded and concatenated per staging table."""
    parts: dict[str, list[pl.DataFrame]] = {}
    loads = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".csv", ".geojson", ".json")):
        result = load(path, workdir)
        loads.append(result)
        for name, frame in result.tables.items():
            parts.setdefault(name, []).append(frame if isinstance(frame, pl.DataFrame) else frame.collect())
    return {name: pl.concat(frames) for name, frames in parts.items()}, loads


def write(
    folder: Path, name: str, text: str, *, bom: bool = False, newline: str = "\n", encoding: str = "utf-8"
) -> Path:
    path = folder / name
    data = text.replace("\n", newline).encode(encoding)
    path.write_bytes((BOM if bom else b"") + data)
    return path


def reasons(result: FileLoad) -> dict[int, tuple[str, str]]:
    """line -> (column, reason) of every reject."""
    return {r["line"]: (r["column_name"], r["reason"]) for r in result.rejects.iter_rows(named=True)}


def real(name: str) -> Path:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"real ONS file {name} not present (shared data is absent on a fresh clone)")
    return path


# --------------------------------------------------------------------------------------------
# (1) LAD -> region lookup
# --------------------------------------------------------------------------------------------

REGION_HEADER = "LAD22CD,LAD22NM,RGN22CD,RGN22NM,ObjectId\n"


def test_region_lookup_with_bom_and_crlf_loads_with_vintage(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.csv",
        REGION_HEADER + "E06000001,Hartlepool,E12000001,North East,1\n"
        '"E06000023","Bristol, City of",E12000009,South West,2\n',
        bom=True,
        newline="\r\n",
    )
    result = load(path, tmp_path / "work")
    frame = result.tables[ons.STG_LAD_REGION]
    assert result.format == "ons_lad_region_lookup"
    assert frame.rows() == [
        ("E06000001", "Hartlepool", "E12000001", "North East", 2022, "a.csv", 2),
        ("E06000023", "Bristol, City of", "E12000009", "South West", 2022, "a.csv", 3),
    ]
    assert result.rejects.is_empty()
    assert "CRLF" in result.notes[0]


def test_region_lookup_vintage_comes_from_the_header_whatever_the_case(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "b.csv",
        " lad24cd ,LAD24NM,rgn24cd,RGN24NM,FID\nE06000065,North Yorkshire,E12000003,Yorkshire and The Humber,1\n",
    )
    frame = load(path, tmp_path).tables[ons.STG_LAD_REGION]
    assert frame["vintage"].to_list() == [2024]
    assert frame["lad_code"].to_list() == ["E06000065"]


def test_region_lookup_missing_column_is_unreadable_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", "LAD22CD,LAD22NM,RGN22CD,ObjectId\nE06000001,Hartlepool,E12000001,1\n")
    head = read_head(path)
    assert ons.matches_lad_region(head)
    with pytest.raises(UnreadableFileError) as err:
        ons.load_lad_region(path, head, tmp_path)
    assert err.value.column == "RGN22NM"
    assert err.value.line == 1
    assert "c.csv" in str(err.value)


def test_region_lookup_rejects_malformed_codes_and_missing_names(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "d.csv",
        REGION_HEADER
        + "E06000001,Hartlepool,E12000001,North East,1\n"
        + "E0600002,Middlesbrough,E12000001,North East,2\n"
        + "E06000003,Redcar and Cleveland,E13000001,North East,3\n"
        + ",Stockton-on-Tees,E12000001,North East,4\n"
        + "E06000005,,E12000001,North East,5\n"
        + "E06000006,Halton,E12000002,,6\n",
    )
    result = load(path, tmp_path)
    assert result.rows_read == 6 and result.rows_loaded == 1
    assert reasons(result) == {
        3: ("LAD22CD", "not a LAD code (expected E, W, S or N and 8 digits)"),
        4: ("RGN22CD", "not a region code (expected E12 and 6 digits)"),
        5: ("LAD22CD", "missing LAD code"),
        6: ("LAD22NM", "missing LAD name"),
        7: ("RGN22NM", "missing region name"),
    }
    bad_value = result.rejects.filter(pl.col("line") == 3)["value"].item()
    assert bad_value == "E0600002"


def test_region_lookup_rejects_repeated_header_duplicates_and_extra_fields(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "e.csv",
        REGION_HEADER
        + "E06000001,Hartlepool,E12000001,North East,1\n"
        + "LAD22CD,LAD22NM,RGN22CD,RGN22NM,ObjectId\n"
        + "E06000001,Hartlepool,E12000001,North East,3\n"
        + "E06000002,Middlesbrough,E12000001,North East,4,surplus\n",
    )
    result = load(path, tmp_path)
    assert result.rows_loaded == 1
    assert reasons(result) == {
        3: ("LAD22CD", "repeated header row inside the data"),
        4: ("LAD22CD", "duplicate LAD code (first on line 2)"),
        5: ("(row)", "row has more fields than the header"),
    }


def test_windows_1252_with_cr_line_endings_is_decoded(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "f.csv",
        REGION_HEADER + "E07000146,King\u2019s Lynn and West Norfolk,E12000006,East of England,1\n",
        newline="\r",
        encoding="cp1252",
    )
    result = load(path, tmp_path / "work")
    assert result.tables[ons.STG_LAD_REGION]["lad_name"].to_list() == ["King\u2019s Lynn and West Norfolk"]
    assert result.encoding == "windows-1252"


def test_header_only_file_loads_no_rows_and_blank_file_matches_nothing(tmp_path: Path) -> None:
    header_only = load(write(tmp_path, "g.csv", REGION_HEADER), tmp_path)
    assert header_only.rows_read == 0
    assert header_only.tables[ons.STG_LAD_REGION].schema == pl.Schema(ons.STAGING_SCHEMAS[ons.STG_LAD_REGION])
    assert matching_formats(write(tmp_path, "h.csv", "")) == []


def test_lookups_do_not_match_other_csvs(tmp_path: Path) -> None:
    other = write(tmp_path, "i.csv", "Customer,Supplier,Amount\nManchester City Council,Acme Ltd,100\n")
    assert matching_formats(other) == []


# --------------------------------------------------------------------------------------------
# (2) LAD -> combined authority lookup
# --------------------------------------------------------------------------------------------

CAUTH_HEADER = "LAD22CD,LAD22NM,CAUTH22CD,CAUTH22NM,ObjectId\n"


def test_cauth_lookup_loads_and_is_not_taken_for_a_region_lookup(tmp_path: Path) -> None:
    path = write(
        tmp_path, "j.csv", CAUTH_HEADER + "E08000001,Bolton,E47000001,Greater Manchester,1\n", bom=True, newline="\r\n"
    )
    assert matching_formats(path) == ["ons_lad_cauth_lookup"]
    frame = load(path, tmp_path).tables[ons.STG_LAD_CAUTH]
    assert frame.rows() == [("E08000001", "Bolton", "E47000001", "Greater Manchester", 2022, "j.csv", 2)]


def test_cauth_lookup_rejects_codes_that_are_not_combined_authorities(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "k.csv",
        CAUTH_HEADER + "E09000007,Camden,E61000001,Greater London Authority,1\nE08000002,Bury,,Greater Manchester,2\n",
    )
    result = load(path, tmp_path)
    assert reasons(result) == {
        2: ("CAUTH22CD", "not a combined authority code (expected E47 and 6 digits)"),
        3: ("CAUTH22CD", "missing combined authority code"),
    }


# --------------------------------------------------------------------------------------------
# (3) NOMIS population
# --------------------------------------------------------------------------------------------

NOMIS_HEADER = ",".join(f'"{h}"' for h in sample.NOMIS_HEADER) + "\n"


def nomis_row(code: str, name: str, gtype: str, age: str, value: str, date: str = '"2021"') -> str:
    """One NOMIS line in the real quoting: text quoted, numbers bare."""
    return (
        f'{date},"2021","2021","date",0,0,"1",'
        f'"{name}","{code}","{gtype}",432,0,"0","Total","0","Sex",1000,0,'
        f'"200","{age}","200","Labour Market category",5000,0,"20100","Value",{value},"A","Normal Value","F",'
        f'"Free (free for publication)","Nm-x",0,1\n'
    )


def test_nomis_loads_every_age_band_and_both_listings_of_a_unitary(tmp_path: Path) -> None:
    district = "local authorities: district / unitary (as of April 2021)"
    county = "local authorities: county / unitary (as of April 2021)"
    path = write(
        tmp_path,
        "n.csv",
        NOMIS_HEADER
        + nomis_row("E06000001", "Hartlepool", county, "All Ages", "92000")
        + nomis_row("E06000001", "Hartlepool", district, "All Ages", "92000")
        + nomis_row("E06000001", "Hartlepool", district, "Aged 0 to 15", "17000"),
    )
    result = load(path, tmp_path)
    frame = result.tables[ons.STG_POPULATION]
    assert result.rejects.is_empty()
    assert frame.select("geography_code", "age_name", "population", "year").rows() == [
        ("E06000001", "All Ages", 92000, 2021),
        ("E06000001", "All Ages", 92000, 2021),
        ("E06000001", "Aged 0 to 15", 17000, 2021),
    ]
    assert result.period == "mid-2021"


def test_nomis_rejects_bad_values_codes_years_and_duplicates(tmp_path: Path) -> None:
    t = "regions"
    path = write(
        tmp_path,
        "o.csv",
        NOMIS_HEADER
        + nomis_row("E12000001", "North East", t, "All Ages", "2646772")
        + nomis_row("E12000002", "North West", t, "All Ages", "12.5")
        + nomis_row("E12000003", "Yorkshire and The Humber", t, "All Ages", "")
        + nomis_row("X12000004", "East Midlands", t, "All Ages", "1")
        + nomis_row("E12000005", "West Midlands", t, "All Ages", "1", date='"20x1"')
        + nomis_row("E12000001", "North East", t, "All Ages", "2646772")
        + nomis_row("E12000006", "East of England", t, "All Ages", "-5"),
    )
    result = load(path, tmp_path)
    assert result.rows_loaded == 1
    assert reasons(result) == {
        3: ("OBS_VALUE", "not a population count (a whole number, 0 or more)"),
        4: ("OBS_VALUE", "missing population (OBS_VALUE)"),
        5: ("GEOGRAPHY_CODE", "not a GSS geography code (expected a letter E/W/S/N/K and 8 digits)"),
        6: ("DATE", "not a year"),
        7: ("GEOGRAPHY_CODE", "duplicate geography, geography type, age band, sex, measure and year (first on line 2)"),
        8: ("OBS_VALUE", "not a population count (a whole number, 0 or more)"),
    }


def test_nomis_populations_too_large_to_be_counts_are_rejected(tmp_path: Path) -> None:
    """'1e400' (infinity) and '1e30' used to pass the whole-number check and load as a null population."""
    t = "regions"
    path = write(
        tmp_path,
        "o.csv",
        NOMIS_HEADER
        + nomis_row("E12000001", "North East", t, "All Ages", "1e400")
        + nomis_row("E12000002", "North West", t, "All Ages", "1e30")
        + nomis_row("E12000003", "Yorkshire and The Humber", t, "All Ages", "5481431"),
    )
    result = load(path, tmp_path)
    assert result.rows_read == 3 and result.rows_loaded == 1
    assert reasons(result) == {
        2: ("OBS_VALUE", "not a population count (a whole number, 0 or more)"),
        3: ("OBS_VALUE", "not a population count (a whole number, 0 or more)"),
    }
    assert result.tables[ons.STG_POPULATION]["population"].to_list() == [5481431]


def test_nomis_missing_required_column_is_unreadable(tmp_path: Path) -> None:
    header = NOMIS_HEADER.replace('"GEOGRAPHY_NAME",', "")
    path = write(tmp_path, "p.csv", header)
    head = read_head(path)
    assert ons.matches_nomis_population(head)
    with pytest.raises(UnreadableFileError) as err:
        ons.load_nomis_population(path, head, tmp_path)
    assert err.value.column == "GEOGRAPHY_NAME"


def test_nomis_without_an_age_dimension_is_not_population(tmp_path: Path) -> None:
    path = write(tmp_path, "q.csv", NOMIS_HEADER.replace('"C_AGE_NAME"', '"INDUSTRY_NAME"'))
    assert matching_formats(path) == []


# --------------------------------------------------------------------------------------------
# (4) boundary GeoJSON
# --------------------------------------------------------------------------------------------

TO_WGS84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def square(x: float, y: float, size: float) -> list[list[float]]:
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def feature(code: str, name: str, geometry: object, prefix: str = "LAD", **extra: object) -> dict:
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {f"{prefix}22CD": code, f"{prefix}22NM": name, **extra},
    }


def collection(features: list[dict], crs: str | None = "EPSG:27700") -> dict:
    doc: dict = {"type": "FeatureCollection"}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    doc["features"] = features
    return doc


def write_json(folder: Path, name: str, doc: object) -> Path:
    path = folder / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_bng_boundaries_are_reprojected_to_wgs84_rounded_to_5dp(tmp_path: Path) -> None:
    ring = square(383000.0, 398000.0, 5000.0)
    doc = collection([feature("E08000003", "Manchester", {"type": "Polygon", "coordinates": [ring]})])
    result = load(write_json(tmp_path, "m.geojson", doc), tmp_path)
    row = result.tables[ons.STG_BOUNDARY].row(0, named=True)
    geometry = json.loads(row["geometry"])
    lon, lat = TO_WGS84.transform(383000.0, 398000.0)
    assert geometry["type"] == "Polygon"
    assert geometry["coordinates"][0][0] == [round(lon, 5), round(lat, 5)]
    assert (row["level"], row["code"], row["vintage"], row["source_crs"]) == ("lad", "E08000003", 2022, "EPSG:27700")
    assert row["centroid_source"] == "computed from geometry"
    cx, cy = TO_WGS84.transform(385500.0, 400500.0)
    assert row["longitude"] == pytest.approx(cx, abs=1e-3) and row["latitude"] == pytest.approx(cy, abs=1e-3)


def test_wgs84_boundaries_without_crs_are_kept_and_ons_centroid_used(tmp_path: Path) -> None:
    ring = [[-1.2, 54.6], [-1.1, 54.6], [-1.1, 54.7], [-1.2, 54.7], [-1.2, 54.6]]
    doc = collection(
        [
            feature(
                "E12000001",
                "North East",
                {"type": "Polygon", "coordinates": [ring]},
                "RGN",
                LONG=-1.72888,
                LAT=55.29701,
            )
        ],
        crs=None,
    )
    result = load(write_json(tmp_path, "r.geojson", doc), tmp_path)
    row = result.tables[ons.STG_BOUNDARY].row(0, named=True)
    assert json.loads(row["geometry"])["coordinates"] == [ring]
    assert (row["level"], row["source_crs"], row["longitude"], row["latitude"]) == (
        "region",
        "EPSG:4326",
        -1.72888,
        55.29701,
    )
    assert "taken as WGS84" in result.notes[0]


def test_bng_magnitudes_without_crs_member_are_taken_as_bng(tmp_path: Path) -> None:
    doc = collection(
        [
            feature(
                "E47000001",
                "Greater Manchester",
                {"type": "Polygon", "coordinates": [square(380000, 400000, 1000)]},
                "CAUTH",
            )
        ],
        crs=None,
    )
    result = load(write_json(tmp_path, "ca.geojson", doc), tmp_path)
    assert result.tables[ons.STG_BOUNDARY]["source_crs"].to_list() == ["EPSG:27700"]
    assert result.tables[ons.STG_BOUNDARY]["level"].to_list() == ["combined_authority"]


def test_invalid_geometries_and_codes_are_rejected_feature_by_feature(tmp_path: Path) -> None:
    good = {"type": "Polygon", "coordinates": [square(400000, 400000, 1000)]}
    unclosed = square(400000, 400000, 1000)[:-1] + [[400001, 400001]]
    features = [
        feature("E06000001", "Hartlepool", good),
        feature("E06000002", "Middlesbrough", {"type": "Point", "coordinates": [400000, 400000]}),
        feature("E06000003", "Redcar and Cleveland", {"type": "Polygon", "coordinates": [[]]}),
        feature(
            "E06000004",
            "Stockton-on-Tees",
            {"type": "Polygon", "coordinates": [[[400000, "x"], [1, 2], [3, 4], [400000, "x"]]]},
        ),
        feature("E06000005", "Darlington", {"type": "Polygon", "coordinates": [unclosed]}),
        feature(
            "E06000006",
            "Halton",
            {"type": "Polygon", "coordinates": [[[400000, 400000], [400100, 400000], [400000, 400000]]]},
        ),
        feature("E06000007", "Warrington", None),
        feature("X06000008", "Blackburn with Darwen", good),
        feature("E06000001", "Hartlepool again", good),
        feature("E06000009", "Blackpool", {"type": "MultiPolygon", "coordinates": []}),
    ]
    result = load(write_json(tmp_path, "bad.geojson", collection(features)), tmp_path)
    assert result.rows_read == 10 and result.rows_loaded == 1
    assert reasons(result) == {
        2: ("geometry", "geometry type 'Point' is not Polygon or MultiPolygon"),
        3: ("geometry", "empty ring"),
        4: ("geometry", 'non-numeric coordinate [400000, "x"]'),
        5: ("geometry", "unclosed ring (first and last positions differ)"),
        6: ("geometry", "ring has 3 positions (a closed ring needs at least 4)"),
        7: ("geometry", "missing geometry"),
        8: ("LAD22CD", "not a LAD code (expected E, W, S or N and 8 digits)"),
        9: ("LAD22CD", "duplicate LAD code (first in feature 1)"),
        10: ("geometry", "empty geometry (no polygons)"),
    }


def test_geojson_that_is_not_json_or_has_unknown_crs_is_unreadable(tmp_path: Path) -> None:
    broken = tmp_path / "broken.geojson"
    broken.write_text(
        '{"type": "FeatureCollection", "features": [{"properties": {"LAD22CD": "E06000001"}\n', encoding="utf-8"
    )
    assert matching_formats(broken) == ["ons_boundaries_geojson"]
    with pytest.raises(UnreadableFileError, match="not valid JSON"):
        ons.load_boundaries(broken, read_head(broken), tmp_path)
    odd = write_json(tmp_path, "odd.geojson", collection([feature("E06000001", "Hartlepool", None)], crs="EPSG:3857"))
    with pytest.raises(UnreadableFileError, match="unsupported CRS"):
        ons.load_boundaries(odd, read_head(odd), tmp_path)


def test_geojson_without_ons_properties_is_not_matched(tmp_path: Path) -> None:
    doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None, "properties": {"id": 1}}]}
    assert matching_formats(write_json(tmp_path, "x.geojson", doc)) == []


def test_geojson_whose_first_geometry_fills_the_head_is_still_matched(tmp_path: Path) -> None:
    ring = [[400000 + i, 400000 + (i % 7)] for i in range(9000)]
    ring.append(ring[0])
    doc = collection([feature("E06000001", "Hartlepool", {"type": "Polygon", "coordinates": [ring]})])
    path = write_json(tmp_path, "big.geojson", doc)
    assert path.stat().st_size > 64 * 1024
    assert matching_formats(path) == ["ons_boundaries_geojson"]


# --------------------------------------------------------------------------------------------
# (5) centroid CSVs
# --------------------------------------------------------------------------------------------


def test_centroids_with_long_lat_and_rejects(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "rc.csv",
        "RGN22CD,RGN22NM,BNG_E,BNG_N,LONG,LAT\n"
        "E12000001,North East,417314,600356,-1.72888,55.29701\n"
        "E12000002,North West,350014,506279,west,54.44944\n"
        "E12000003,Yorkshire and The Humber,446903,448736,-1.28,99\n",
        newline="\r\n",
    )
    assert matching_formats(path) == ["ons_centroids"]
    result = load(path, tmp_path)
    assert result.tables[ons.STG_CENTROID].select("level", "code", "vintage", "longitude", "latitude").rows() == [
        ("region", "E12000001", 2022, -1.72888, 55.29701)
    ]
    assert reasons(result) == {3: ("LONG", "not a number"), 4: ("LAT", "outside the UK (49 .. 61)")}


def test_centroids_with_only_bng_are_reprojected(tmp_path: Path) -> None:
    path = write(tmp_path, "lc.csv", "LAD22CD,LAD22NM,BNG_E,BNG_N\nE06000001,Hartlepool,447160,531474\n")
    row = load(path, tmp_path).tables[ons.STG_CENTROID].row(0, named=True)
    assert row["longitude"] == pytest.approx(-1.27018, abs=2e-4)
    assert row["latitude"] == pytest.approx(54.67614, abs=2e-4)


def test_centroids_missing_latitude_is_unreadable(tmp_path: Path) -> None:
    path = write(tmp_path, "mc.csv", "LAD22CD,LAD22NM,LONG\nE06000001,Hartlepool,-1.27\n")
    with pytest.raises(UnreadableFileError) as err:
        ons.load_centroids(path, read_head(path), tmp_path)
    assert "LAT" in (err.value.column or "")


# --------------------------------------------------------------------------------------------
# sample
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    sample.write_sample(out)
    return out / sample.FOLDER


def test_sample_loads_with_zero_rejects_and_reconciles(sample_dir: Path, tmp_path: Path) -> None:
    stg, loads = load_folder(sample_dir, tmp_path)
    assert sorted(r.format for r in loads) == sorted(
        [
            "ons_lad_region_lookup",
            "ons_lad_cauth_lookup",
            "nomis_population_estimates",
            "ons_boundaries_geojson",
            "ons_boundaries_geojson",
            "ons_boundaries_geojson",
        ]
    )
    assert all(r.rejects.is_empty() for r in loads)
    assert stg[ons.STG_LAD_REGION].height == 309
    assert stg[ons.STG_LAD_CAUTH]["ca_code"].n_unique() == 10
    assert not stg[ons.STG_LAD_CAUTH]["lad_code"].str.starts_with("E09").any()
    boundary_crs = stg[ons.STG_BOUNDARY].group_by("level").agg(pl.col("source_crs").first())
    assert dict(boundary_crs.iter_rows()) == {
        "lad": "EPSG:27700",
        "region": "EPSG:27700",
        "combined_authority": "EPSG:4326",
    }


def test_sample_files_are_in_the_real_formats_and_say_sample(sample_dir: Path) -> None:
    lookup = (sample_dir / "sample_lad22_rgn22_lookup.csv").read_bytes()
    assert lookup.startswith(BOM + b"LAD22CD,LAD22NM,RGN22CD,RGN22NM,ObjectId\r\n")
    assert b'"Bristol, City of"' in lookup
    nomis = (sample_dir / "sample_nomis_mid2021_population.csv").read_bytes()
    assert nomis.startswith(b'"DATE","DATE_NAME"') and b"\r" not in nomis
    for path in sample_dir.glob("*.geojson"):
        assert json.loads(path.read_text())["name"].startswith("SAMPLE ")


def test_sample_is_byte_identical_for_a_seed(tmp_path: Path) -> None:
    def digests(folder: Path, seed: int) -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sample.write_sample(folder, seed=seed)}

    first = digests(tmp_path / "a", 2026)
    assert first == digests(tmp_path / "b", 2026)
    assert first != digests(tmp_path / "c", 7)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-10_000, 10_000), st.integers(-10_000, 10_000)).map(lambda p: (float(p[0]), float(p[1]))),
        min_size=3,
        max_size=40,
        unique=True,
    )
)
def test_convex_hull_contains_every_point(points: list[tuple[float, float]]) -> None:
    xs = {p[0] for p in points}
    ys = {p[1] for p in points}
    if len(xs) == 1 or len(ys) == 1:
        return  # collinear along an axis: no hull, covered by the ValueError below
    try:
        hull = sample.convex_hull(points)
    except ValueError:
        return
    assert hull[0] == hull[-1]
    for a, b in zip(hull[:-1], hull[1:], strict=True):
        for p in points:
            assert sample._cross(a, b, p) >= 0  # every point on or left of each counter-clockwise edge


# --------------------------------------------------------------------------------------------
# real files (PROVENANCE.md figures)
# --------------------------------------------------------------------------------------------


def test_real_region_lookup_has_309_english_lads(tmp_path: Path) -> None:
    result = load(real(REGION_LOOKUP), tmp_path)
    frame = result.tables[ons.STG_LAD_REGION]
    assert (result.rows_read, frame.height, result.rejects.height) == (309, 309, 0)
    assert frame["vintage"].unique().to_list() == [2022]
    assert frame.filter(pl.col("lad_code") == "E09000025")["region_name"].item() == "London"


def test_real_cauth_lookup_has_53_rows_in_10_cas(tmp_path: Path) -> None:
    frame = load(real("lad22_cauth22.csv"), tmp_path).tables[ons.STG_LAD_CAUTH]
    assert frame.height == 53
    assert sorted(frame["ca_code"].unique()) == [f"E470000{n:02d}" for n in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11)]


def test_real_nomis_all_ages_figures(tmp_path: Path) -> None:
    result = load(real("nomis_mid2021_population_estimates_lad.csv"), tmp_path)
    frame = result.tables[ons.STG_POPULATION]
    assert (result.rows_read, result.rejects.height) == (11178, 0)
    all_ages = frame.filter(pl.col("age_name") == "All Ages")
    assert all_ages.height == 621
    value = dict(all_ages.select("geography_code", "population").unique().iter_rows())
    assert value["E12000001"] == 2646772
    assert value["E08000003"] == 549853
    assert value["E47000001"] == 2868387


def test_real_boundaries_counts_and_hartlepool_centroid(tmp_path: Path) -> None:
    lad = load(real("lad22_buc.geojson"), tmp_path).tables[ons.STG_BOUNDARY]
    assert lad.height == 374
    hartlepool = lad.filter(pl.col("code") == "E06000001").row(0, named=True)
    assert (hartlepool["longitude"], hartlepool["latitude"]) == (-1.27018, 54.67614)
    assert load(real("rgn22_buc.geojson"), tmp_path).tables[ons.STG_BOUNDARY].height == 9
    assert load(real("cauth22_buc.geojson"), tmp_path).tables[ons.STG_BOUNDARY].height == 10


def _coords(geometry_json: str) -> np.ndarray:
    geometry = json.loads(geometry_json)
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return np.array([pos for polygon in polygons for ring in polygon for pos in ring], dtype=float)


def test_real_bng_reprojection_agrees_with_the_derived_wgs84_copy(tmp_path: Path) -> None:
    ours = load(real("lad22_buc.geojson"), tmp_path).tables[ons.STG_BOUNDARY]
    theirs = load(real("derived/lad22_buc_wgs84.geojson"), tmp_path).tables[ons.STG_BOUNDARY]
    assert theirs["source_crs"].unique().to_list() == ["EPSG:4326"]
    pairs = ours.join(theirs, on="code", suffix="_wgs")
    assert pairs.height == 374
    worst = max(
        float(np.abs(_coords(a) - _coords(b)).max()) for a, b in pairs.select("geometry", "geometry_wgs").iter_rows()
    )
    assert worst <= 1e-4


def test_real_centroid_csvs(tmp_path: Path) -> None:
    lad = load(real("derived/lad22_centroids.csv"), tmp_path).tables[ons.STG_CENTROID]
    cauth = load(real("derived/cauth22_centroids.csv"), tmp_path).tables[ons.STG_CENTROID]
    assert lad.height == 374 and cauth.height == 10
    gm = cauth.filter(pl.col("code") == "E47000001").row(0, named=True)
    assert (gm["longitude"], gm["latitude"]) == (-2.33407, 53.50615)
