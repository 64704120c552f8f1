"""Deterministic sample ONS geography files, in the publishers' real formats.

Everything is derived from the two hand-written references (councils.csv and
combined_authorities.csv), never from real ONS files:

- a LAD -> region lookup (UTF-8 with BOM, CRLF, LAD22CD,LAD22NM,RGN22CD,RGN22NM,ObjectId);
- a LAD -> combined authority lookup (same shape with CAUTH22; London left out, as ONS does);
- a NOMIS population extract (the long quoted NOMIS header, LF; All Ages plus two age bands;
  regions, counties/UAs, districts/UAs and combined authorities like the real extract);
- BUC-like GeoJSON: LADs in EPSG:27700 as synthetic hexagons around each council's
  approximate centroid, sized by population; regions (EPSG:27700) and combined authorities
  (WGS84, no crs member) as convex hulls of their members' hexagon vertices. Each
  FeatureCollection's "name" says SAMPLE: these are not real boundaries.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pyproj import Transformer

from pipelines.config import CODE_REFERENCE_DIR

FOLDER = "ons-geography"
VINTAGE = 2022
POPULATION_YEAR = 2021
COUNCILS_CSV = CODE_REFERENCE_DIR / "councils.csv"
COMBINED_AUTHORITIES_CSV = CODE_REFERENCE_DIR / "combined_authorities.csv"
GLA_CODE = "E61000001"

NOMIS_HEADER = (
    "DATE,DATE_NAME,DATE_CODE,DATE_TYPE,DATE_TYPECODE,DATE_SORTORDER,GEOGRAPHY,GEOGRAPHY_NAME,GEOGRAPHY_CODE,"
    "GEOGRAPHY_TYPE,GEOGRAPHY_TYPECODE,GEOGRAPHY_SORTORDER,GENDER,GENDER_NAME,GENDER_CODE,GENDER_TYPE,"
    "GENDER_TYPECODE,GENDER_SORTORDER,C_AGE,C_AGE_NAME,C_AGE_CODE,C_AGE_TYPE,C_AGE_TYPECODE,C_AGE_SORTORDER,"
    "MEASURES,MEASURES_NAME,OBS_VALUE,OBS_STATUS,OBS_STATUS_NAME,OBS_CONF,OBS_CONF_NAME,URN,RECORD_OFFSET,RECORD_COUNT"
).split(",")
#: (C_AGE code, C_AGE_NAME) written for every geography.
AGES = (("200", "All Ages"), ("201", "Aged 0 to 15"), ("209", "Aged 65+"))
#: NOMIS geography types (name, type code) in the order the real extract lists them.
REGIONS_TYPE = ("regions", 480)
COUNTY_TYPE = ("local authorities: county / unitary (as of April 2021)", 431)
DISTRICT_TYPE = ("local authorities: district / unitary (as of April 2021)", 432)
CA_TYPE = ("combined authorities", 442)

REGIONS = {
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E12000008": "South East",
    "E12000009": "South West",
}

_TO_BNG = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
_TO_WGS84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)

Point = tuple[float, float]


@dataclass(frozen=True)
class Council:
    code: str
    name: str
    council_type: str
    region_code: str
    county_code: str
    longitude: float
    latitude: float
    population: int

    @property
    def is_lad(self) -> bool:
        return self.council_type != "county council"


@dataclass(frozen=True)
class CombinedAuthority:
    code: str
    name: str
    established: dt.date
    abolished: dt.date | None
    members: tuple[str, ...]

    def in_force_on(self, day: dt.date) -> bool:
        return self.established <= day and (self.abolished is None or self.abolished > day)


def read_councils(path: Path = COUNCILS_CSV) -> list[Council]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [
            Council(
                code=row["council_code"],
                name=row["council_name"],
                council_type=row["council_type"],
                region_code=row["region_code"],
                county_code=row["county_code"],
                longitude=float(row["longitude"]),
                latitude=float(row["latitude"]),
                population=int(row["population"]),
            )
            for row in csv.DictReader(fh)
        ]


def read_combined_authorities(path: Path = COMBINED_AUTHORITIES_CSV) -> list[CombinedAuthority]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [
            CombinedAuthority(
                code=row["ca_code"],
                name=row["ca_name"],
                established=dt.date.fromisoformat(row["established"]),
                abolished=dt.date.fromisoformat(row["abolished"]) if row["abolished"] else None,
                members=tuple(row["member_lad_codes"].split("|")),
            )
            for row in csv.DictReader(fh)
        ]


def cas_in_force(cas: Iterable[CombinedAuthority], lad_codes: set[str], day: dt.date) -> list[CombinedAuthority]:
    """The ONS-style combined authorities on `day` (no GLA), members restricted to known LADs."""
    out = []
    for ca in cas:
        if ca.code == GLA_CODE or not ca.in_force_on(day):
            continue
        members = tuple(m for m in ca.members if m in lad_codes)
        if members:
            out.append(CombinedAuthority(ca.code, ca.name, ca.established, ca.abolished, members))
    return out


# --------------------------------------------------------------------------------------------
# Lookups
# --------------------------------------------------------------------------------------------


def _write_csv_bom_crlf(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    """ONS Open Geography Portal CSV: UTF-8 with BOM, CRLF, quotes only where needed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    return path


def write_region_lookup(folder: Path, lads: Sequence[Council]) -> Path:
    rows = [(c.code, c.name, c.region_code, REGIONS[c.region_code], i) for i, c in enumerate(lads, start=1)]
    header = ["LAD22CD", "LAD22NM", "RGN22CD", "RGN22NM", "ObjectId"]
    return _write_csv_bom_crlf(folder / "sample_lad22_rgn22_lookup.csv", header, rows)


def write_cauth_lookup(folder: Path, lads: Sequence[Council], cas: Sequence[CombinedAuthority]) -> Path:
    names = {c.code: c.name for c in lads}
    rows: list[tuple[str, str, str, str, int]] = []
    for ca in cas:
        for code in ca.members:
            rows.append((code, names[code], ca.code, ca.name, len(rows) + 1))
    header = ["LAD22CD", "LAD22NM", "CAUTH22CD", "CAUTH22NM", "ObjectId"]
    return _write_csv_bom_crlf(folder / "sample_lad22_cauth22_lookup.csv", header, rows)


# --------------------------------------------------------------------------------------------
# NOMIS population
# --------------------------------------------------------------------------------------------


@dataclass
class Area:
    """A NOMIS geography row set: code, name, type and population by age band."""

    code: str
    name: str
    kind: tuple[str, int]
    ages: dict[str, int]


def _age_bands(population: int, rng: random.Random) -> dict[str, int]:
    children = round(population * rng.uniform(0.15, 0.22))
    older = round(population * rng.uniform(0.12, 0.30))
    return {"All Ages": population, "Aged 0 to 15": children, "Aged 65+": older}


def _sum_ages(parts: Sequence[dict[str, int]]) -> dict[str, int]:
    return {name: sum(p[name] for p in parts) for _, name in AGES}


def nomis_areas(councils: Sequence[Council], cas: Sequence[CombinedAuthority], rng: random.Random) -> list[Area]:
    """Areas in the real extract's order: regions, counties/UAs, districts/UAs, combined authorities."""
    lads = [c for c in councils if c.is_lad]
    ages = {c.code: _age_bands(c.population, rng) for c in lads}
    areas = [
        Area(code, name, REGIONS_TYPE, _sum_ages([ages[c.code] for c in lads if c.region_code == code]))
        for code, name in REGIONS.items()
    ]
    upper_tier = [c for c in councils if c.council_type != "non-metropolitan district"]
    for c in upper_tier:
        if c.is_lad:
            band = ages[c.code]
        else:
            band = _sum_ages([ages[d.code] for d in lads if d.county_code == c.code])
        areas.append(Area(c.code, c.name, COUNTY_TYPE, band))
    areas.extend(Area(c.code, c.name, DISTRICT_TYPE, ages[c.code]) for c in lads)
    areas.extend(Area(ca.code, ca.name, CA_TYPE, _sum_ages([ages[m] for m in ca.members])) for ca in cas)
    return areas


def _nomis_cell(value: object) -> str:
    """NOMIS quotes text and leaves numbers bare."""
    return str(value) if isinstance(value, int) else '"' + str(value).replace('"', '""') + '"'


def write_nomis(folder: Path, areas: Sequence[Area]) -> Path:
    total = len(areas) * len(AGES)
    lines = [",".join(f'"{h}"' for h in NOMIS_HEADER)]
    offset = 0
    sort_order: dict[str, int] = {}
    for idx, area in enumerate(areas):
        geo_id = str(1_946_157_057 + idx)  # synthetic NOMIS geography id
        geo_sort = sort_order.get(area.kind[0], 0)
        sort_order[area.kind[0]] = geo_sort + 1
        for age_sort, (age_code, age_name) in enumerate(AGES):
            cells: list[object] = [
                str(POPULATION_YEAR), str(POPULATION_YEAR), str(POPULATION_YEAR), "date", 0, 0,
                geo_id, area.name, area.code, area.kind[0], area.kind[1], geo_sort,
                "0", "Total", "0", "Sex", 1000, 0,
                age_code, age_name, age_code, "Labour Market category", 5000, age_sort,
                "20100", "Value", area.ages[age_name], "A", "Normal Value", "F", "Free (free for publication)",
                f"Nm-2002d1d32336e0d{geo_id}d0d{age_code}d20100", offset, total,
            ]  # fmt: skip
            lines.append(",".join(_nomis_cell(c) for c in cells))
            offset += 1
    path = folder / "sample_nomis_mid2021_population.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return path


# --------------------------------------------------------------------------------------------
# Boundaries
# --------------------------------------------------------------------------------------------


def hexagon(centre: Point, radius: float, rotation: float) -> list[Point]:
    """A closed hexagon ring (7 positions) around `centre`, counter-clockwise."""
    ring = [
        (
            round(centre[0] + radius * math.cos(math.radians(rotation + 60 * k)), 3),
            round(centre[1] + radius * math.sin(math.radians(rotation + 60 * k)), 3),
        )
        for k in range(6)
    ]
    return [*ring, ring[0]]


def hexagon_radius(population: int) -> float:
    """Metres: about 2 km for the Isles of Scilly, 12 km for Birmingham."""
    return 1500.0 + 10.0 * math.sqrt(population)


def _cross(o: Point, a: Point, b: Point) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def convex_hull(points: Iterable[Point]) -> list[Point]:
    """Andrew's monotone chain: the hull as a closed counter-clockwise ring."""
    pts = sorted(set(points))
    if len(pts) < 3:
        raise ValueError("a hull needs at least three distinct points")
    lower: list[Point] = []
    for p in pts:
        while len(lower) >= 2 and _cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[Point] = []
    for p in reversed(pts):
        while len(upper) >= 2 and _cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    ring = lower[:-1] + upper[:-1]
    return [*ring, ring[0]]


def ring_centroid(ring: Sequence[Point]) -> Point:
    """Area centroid of a closed ring (shoelace)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring[:-1], ring[1:], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return cx / (3 * area), cy / (3 * area)


def _global_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _feature_collection(name: str, features: list[dict], crs: str | None) -> dict:
    doc: dict = {"type": "FeatureCollection", "name": name}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    doc["features"] = features
    return doc


def _write_json(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
    return path


def _wgs84(point: Point) -> Point:
    lon, lat = _TO_WGS84.transform(point[0], point[1])
    return round(lon, 5), round(lat, 5)


def lad_hexagons(lads: Sequence[Council], rng: random.Random) -> dict[str, list[Point]]:
    """Each LAD's hexagon ring in British National Grid metres."""
    rings = {}
    for c in lads:
        x, y = _TO_BNG.transform(c.longitude, c.latitude)
        rings[c.code] = hexagon((x, y), hexagon_radius(c.population), rng.uniform(0.0, 60.0))
    return rings


def write_lad_geojson(folder: Path, lads: Sequence[Council], rings: dict[str, list[Point]], rng: random.Random) -> Path:
    features = []
    for i, c in enumerate(lads, start=1):
        x, y = _TO_BNG.transform(c.longitude, c.latitude)
        props = {
            "LAD22CD": c.code,
            "LAD22NM": c.name,
            "BNG_E": round(x),
            "BNG_N": round(y),
            "LONG": round(c.longitude, 5),
            "LAT": round(c.latitude, 5),
            "OBJECTID": i,
            "GlobalID": _global_id(rng),
        }
        geometry = {"type": "Polygon", "coordinates": [[list(p) for p in rings[c.code]]]}
        features.append({"type": "Feature", "id": i, "geometry": geometry, "properties": props})
    name = "SAMPLE lad22_buc: synthetic hexagons around approximate council centroids, not real boundaries"
    return _write_json(folder / "sample_lad22_buc.geojson", _feature_collection(name, features, "EPSG:27700"))


def _hull_features(
    groups: Sequence[tuple[str, str, Sequence[str]]],
    rings: dict[str, list[Point]],
    prefix: str,
    rng: random.Random,
    wgs84: bool,
) -> list[dict]:
    features = []
    for i, (code, name, members) in enumerate(groups, start=1):
        hull = convex_hull(p for m in members for p in rings[m][:-1])
        cx, cy = ring_centroid(hull)
        lon, lat = _wgs84((cx, cy))
        ring = [list(_wgs84(p)) for p in hull] if wgs84 else [list(p) for p in hull]
        if wgs84:
            ring[-1] = ring[0]
        props = {
            "FID": i,
            f"{prefix}22CD": code,
            f"{prefix}22NM": name,
            "BNG_E": round(cx),
            "BNG_N": round(cy),
            "LONG": lon,
            "LAT": lat,
            "GlobalID": _global_id(rng),
        }
        features.append(
            {"type": "Feature", "id": i, "geometry": {"type": "Polygon", "coordinates": [ring]}, "properties": props}
        )
    return features


def write_region_geojson(
    folder: Path, lads: Sequence[Council], rings: dict[str, list[Point]], rng: random.Random
) -> Path:
    groups = [(code, name, [c.code for c in lads if c.region_code == code]) for code, name in REGIONS.items()]
    features = _hull_features(groups, rings, "RGN", rng, wgs84=False)
    name = "SAMPLE rgn22_buc: convex hulls of sample LAD hexagons, not real boundaries"
    return _write_json(folder / "sample_rgn22_buc.geojson", _feature_collection(name, features, "EPSG:27700"))


def write_cauth_geojson(
    folder: Path, cas: Sequence[CombinedAuthority], rings: dict[str, list[Point]], rng: random.Random
) -> Path:
    """Combined authorities in WGS84 without a crs member, like an ONS API GeoJSON download."""
    groups = [(ca.code, ca.name, ca.members) for ca in cas]
    features = _hull_features(groups, rings, "CAUTH", rng, wgs84=True)
    name = "SAMPLE cauth22_buc: convex hulls of sample LAD hexagons (WGS84), not real boundaries"
    return _write_json(folder / "sample_cauth22_buc_wgs84.geojson", _feature_collection(name, features, None))


# --------------------------------------------------------------------------------------------


def write_sample(out_dir: Path, *, seed: int = 2026) -> list[Path]:
    """Write the sample ONS geography files into out_dir/"ons-geography"; same seed, same bytes."""
    folder = Path(out_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    councils = read_councils()
    lads = [c for c in councils if c.is_lad]
    cas = cas_in_force(read_combined_authorities(), {c.code for c in lads}, dt.date(VINTAGE, 12, 31))
    rings = lad_hexagons(lads, rng)
    return [
        write_region_lookup(folder, lads),
        write_cauth_lookup(folder, lads, cas),
        write_nomis(folder, nomis_areas(councils, cas, rng)),
        write_lad_geojson(folder, lads, rings, rng),
        write_region_geojson(folder, lads, rings, rng),
        write_cauth_geojson(folder, cas, rings, rng),
    ]
