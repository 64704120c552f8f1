"""Buyer resolution: free-text customer names -> councils, combined authorities, departments.

Marketplace files name customers as typed ("Manchester City Council", "MANCHESTER CITY
COUNCIL", "London Borough of Camden Council", "Hull City Council"). Each DISTINCT
name is resolved once, in this order, and the method and score are recorded:

1. alias   - data/reference/buyer_aliases.csv (user-editable; wins over everything)
2. exact   - the normalised name equals a normalised organisation name or alias
3. fuzzy   - rapidfuzz token_sort_ratio >= threshold against names of the same kind,
             with a margin over the runner-up and identical compass words (so North
             Tyneside never becomes South Tyneside)
4. urn_postcode - the normalised name equals a customer's in the CCS customer URN list
             (dim_ccs_customer) whose postcode the ONS lookup places in a district: a school,
             police force, NHS trust or fire authority is then a `public_body` in that
             district. Only when every customer of that name is in the same district (many
             schools share a name), and only for names the methods above left unresolved.
5. unresolved - kept with its sector, listed on the Data and method page

The published sector constrains every step after the alias: a council or combined authority needs a
council-like name ("... Council", "Borough of ...", "... Combined Authority") or the Local Government
sector (so a primary care trust called "Salford" is not Salford City Council); a Devolved Administrations
buyer resolves only to a devolved body (so Northern Ireland's "Department Of Education" is never the DfE).
Closed central bodies resolve as they were (dim_organisation follows their successors); abolished
councils resolve through reference/council_successors.csv; GLA and combined-authority functional bodies
(Transport for London, MOPAC, the Metropolitan Police Service) keep their own names
(reference/functional_bodies.csv).

Normalisation lower-cases, turns '&' into 'and', drops punctuation and the council
boilerplate ("City Council", "Metropolitan Borough Council", "London Borough of",
"Royal Borough of", "Council of the City of", ...), so that every spelling of a
council meets the ONS name of its district.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from rapidfuzz import fuzz, process

from pipelines.config import CODE_REFERENCE_DIR, FUZZY_MATCH_THRESHOLD

FUNCTIONAL_BODIES_CSV = CODE_REFERENCE_DIR / "functional_bodies.csv"
COUNCIL_SUCCESSORS_CSV = CODE_REFERENCE_DIR / "council_successors.csv"
LOCAL_GOVERNMENT = "local government"
DEVOLVED = "devolved administrations"
#: A name that says it is a local authority, whatever sector the publisher gave it.
COUNCIL_LIKE = re.compile(
    r"\b(council|borough|corporation|county|district|metropolitan|unitary|authority|combined|mayor|gla|lb|lbc|mbc)\b"
)

PREFIXES = (
    "council of the city of",
    "council of the",
    "london borough of",
    "royal borough of",
    "metropolitan borough of",
    "city and county of",
    "county borough of",
    "borough of",
    "city of",
    "county of",
    "lb of",
    "lb",
    "rb",
    "the",
)
SUFFIXES = (
    "metropolitan borough council",
    "metropolitan district council",
    "metropolitan council",
    "borough council",
    "city council",
    "district council",
    "county council",
    "unitary authority",
    "unitary council",
    "council",
    "corporation",
    "mbc",
    "lbc",
    "bc",
    "dc",
    "cc",
    "the",
)
COMPASS = {"north", "south", "east", "west", "mid", "central", "upper", "lower", "greater", "great", "little", "new"}

_PUNCT = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")


def basic_key(name: str) -> str:
    """Lower case, '&' -> 'and', 'St.'/'Saint' -> 'st', punctuation and hyphens -> spaces."""
    text = name.lower().replace("&", " and ").replace("’", "'").replace("'", "")
    text = _PUNCT.sub(" ", text)
    text = re.sub(r"\bsaint\b", "st", text)
    return _SPACES.sub(" ", text).strip()


def council_key(name: str) -> str:
    """The name with council boilerplate removed: 'London Borough of Camden Council' -> 'camden'.

    ONS names like 'Bristol, City of' and 'Herefordshire, County of' lose their tail too.
    """
    text = re.sub(r",\s*(city|county) of\s*$", "", name.strip(), flags=re.IGNORECASE)
    key = basic_key(text)
    changed = True
    while changed:
        changed = False
        for prefix in PREFIXES:
            if key.startswith("city of london"):
                break  # the City of London is a council in its own right, not "London"
            if key.startswith(prefix + " ") and len(key) > len(prefix) + 1:
                key = key[len(prefix) + 1 :]
                changed = True
        for suffix in SUFFIXES:
            if key.endswith(" " + suffix) and len(key) > len(suffix) + 1:
                key = key[: -len(suffix) - 1]
                changed = True
    return key


def central_key(name: str) -> str:
    """basic_key without a leading or trailing 'the' ('Parole Board The' -> 'parole board')."""
    key = basic_key(name)
    key = re.sub(r"^the ", "", key)
    return re.sub(r" the$", "", key)


def council_like(name: str) -> bool:
    """The name itself says it is a local authority ('Salford' alone does not)."""
    return bool(COUNCIL_LIKE.search(basic_key(name)))


def says_county(name: str) -> bool:
    return bool(re.search(r"\bcounty council\b", name, flags=re.IGNORECASE))


@dataclass(frozen=True)
class Target:
    """An organisation a buyer can resolve to."""

    org_kind: str  # council | combined_authority | functional_body | central_government | devolved | public_body
    org_code: str  # ONS code or GOV.UK slug
    org_name: str


BUYER_SCHEMA = pl.Schema(
    {
        "buyer_name": pl.String(),
        "normalized_name": pl.String(),
        "org_kind": pl.String(),
        "org_code": pl.String(),
        "org_name": pl.String(),
        "match_method": pl.String(),
        "match_score": pl.Float64(),
        "matched_key": pl.String(),
    }
)


def _council_targets(councils: pl.DataFrame) -> tuple[dict[str, list[Target]], dict[str, list[Target]]]:
    """Council keys -> targets; the second dict holds keys of county councils only."""
    keys: dict[str, list[Target]] = {}
    county_keys: dict[str, list[Target]] = {}
    for row in councils.iter_rows(named=True):
        target = Target("council", row["council_id"], row["official_name"] or row["council_name"])
        names = {row["council_name"], row["official_name"]}
        for name in filter(None, names):
            variants = {council_key(name), basic_key(name)}
            variants |= {v.removeprefix("county ") for v in variants if v.startswith("county ")}
            for key in variants:
                bucket = county_keys if row["council_type"] == "county council" else keys
                if target not in bucket.setdefault(key, []):
                    bucket[key].append(target)
    return keys, county_keys


def _ca_targets(cas: pl.DataFrame) -> dict[str, list[Target]]:
    keys: dict[str, list[Target]] = {}
    for row in cas.iter_rows(named=True):
        target = Target("combined_authority", row["ca_code"], _ca_body_name(row["ca_name"], row["ca_code"]))
        base = basic_key(row["ca_name"])
        variants = {
            base,
            f"{base} combined authority",
            f"{base} combined county authority",
            f"{base} mayoral combined authority",
        }
        if row["ca_code"].startswith("E61"):
            variants |= {"greater london authority", "gla", "mayor of london"}
        for key in variants:
            keys.setdefault(key, [])
            if target not in keys[key]:
                keys[key].append(target)
    return keys


def _ca_body_name(name: str, code: str) -> str:
    if code.startswith("E61") or "authority" in name.lower():
        return name
    return f"{name} Combined Authority"


def _add_central(keys: dict[str, list[Target]], key: str, target: Target) -> None:
    """File `target` under `key` unless the key is empty or already holds that organisation."""
    bucket = keys.setdefault(key, []) if key else []
    if key and all(t.org_code != target.org_code for t in bucket):
        bucket.append(target)


def _organisation_names(row: dict) -> set[str]:
    """An organisation's title, the title without a leading 'The', and a usable abbreviation."""
    names = {row["title"], re.sub(r"^the\s+", "", row["title"], flags=re.IGNORECASE)}
    abbreviation = (row.get("abbreviation") or "").strip()
    if 2 <= len(abbreviation) <= 12 and abbreviation.lower() != row["title"].lower():
        names.add(abbreviation)
    return names


def _add_organisations(keys: dict[str, list[Target]], orgs: pl.DataFrame) -> None:
    """GOV.UK organisations by title and abbreviation; the first organisation to claim a key keeps it."""
    # Live organisations first: a closed body sharing a name or abbreviation with a live one
    # (DCMS 2017-23 and DCMS today) yields to it, so the name still resolves.
    ordered_orgs = orgs.sort(pl.col("is_closed").fill_null(False)) if "is_closed" in orgs.columns else orgs
    for row in ordered_orgs.iter_rows(named=True):
        target = Target(organisation_kind(row), row["slug"], row["title"])
        for name in _organisation_names(row):
            for key in (basic_key(name), central_key(name)):
                if key not in keys:
                    _add_central(keys, key, target)


def organisation_kind(row: dict) -> str:
    """'devolved' for a devolved government and its bodies, else 'central_government'."""
    return "devolved" if row.get("devolved_government_slug") else "central_government"


_NATION = re.compile(r"\s*\((northern ireland|scotland|wales|ni)\)\s*$", flags=re.IGNORECASE)


def _devolved_targets(orgs: pl.DataFrame) -> dict[str, list[Target]]:
    """Devolved bodies also by their title without the nation ('Department of Education (Northern
    Ireland)' -> 'department of education'): consulted only for Devolved Administrations buyers."""
    keys: dict[str, list[Target]] = {}
    if "devolved_government_slug" not in orgs.columns:
        return keys
    for row in orgs.filter(pl.col("devolved_government_slug").is_not_null()).iter_rows(named=True):
        target = Target("devolved", row["slug"], row["title"])
        for name in (row["title"], _NATION.sub("", row["title"])):
            for key in (basic_key(name), central_key(name)):
                _add_central(keys, key, target)
    return keys


def read_functional_bodies(path: Path = FUNCTIONAL_BODIES_CSV) -> pl.DataFrame:
    """reference/functional_bodies.csv: body_code, name, aliases, ca_code, source."""
    return pl.read_csv(path, infer_schema=False)


def read_council_successors(path: Path = COUNCIL_SUCCESSORS_CSV) -> pl.DataFrame:
    """reference/council_successors.csv with the code a name resolves to (`resolved_code`).

    One successor: that council's code. Several (Northamptonshire County Council -> North and West
    Northamptonshire): 'abolished:<old ONS code>', placed in its region only.
    """
    frame = pl.read_csv(path, infer_schema=False)
    several = pl.col("successor_codes").str.contains(r"\|")
    return frame.with_columns(
        pl.when(several)
        .then(pl.lit("abolished:") + pl.col("old_code"))
        .otherwise(pl.col("successor_codes"))
        .alias("resolved_code"),
        pl.col("abolished_year").cast(pl.Int32),
    )


def _body_targets(bodies: pl.DataFrame) -> dict[str, list[Target]]:
    keys: dict[str, list[Target]] = {}
    for row in bodies.iter_rows(named=True):
        target = Target("functional_body", row["body_code"], row["name"])
        for name in {row["name"], *((row["aliases"] or "").split("|"))}:
            if name:
                _add_central(keys, basic_key(name), target)
    return keys


def _abolished_targets(successors: pl.DataFrame) -> dict[str, list[Target]]:
    keys: dict[str, list[Target]] = {}
    for row in successors.iter_rows(named=True):
        _add_central(keys, basic_key(row["name"]), Target("council", row["resolved_code"], row["name"]))
    return keys


def _add_departments(keys: dict[str, list[Target]], departments: pl.DataFrame) -> None:
    """Departments from the reference by name and alias, where no organisation record owns the name."""
    # Current departments first, so a name shared with a predecessor (DCMS 1997-2017 and
    # DCMS since 2023; MHCLG 2018-21 and since 2024) means today's department.
    taken: set[str] = set()
    ordered = departments.sort(
        [pl.col("end_date").is_not_null(), pl.col("end_date")], descending=[False, True], nulls_last=False
    )
    for row in ordered.iter_rows(named=True):
        slug = row["govuk_slug"] or f"department:{row['department_id']}"
        target = Target("central_government", slug, row["name"])
        names = {row["name"], *((row["aliases"] or "").split("|"))}
        for name in filter(None, names):
            key = basic_key(name)
            if len(name) <= 3 or key in taken:  # bare codes like CO or HO are too ambiguous in free text
                continue
            taken.add(key)
            if key in keys and all(t.org_code != slug for t in keys[key]):
                continue  # an organisation record already owns this name
            _add_central(keys, key, target)


def _central_targets(orgs: pl.DataFrame, departments: pl.DataFrame) -> dict[str, list[Target]]:
    """Central government keys -> targets: organisation records first, then the department reference."""
    keys: dict[str, list[Target]] = {}
    _add_organisations(keys, orgs)
    _add_departments(keys, departments)
    return keys


def read_aliases(path: Path) -> pl.DataFrame:
    """The user's alias file (buyer_name,organisation_code[,note]); empty when absent."""
    schema = {"buyer_name": pl.String, "organisation_code": pl.String, "note": pl.String}
    if not path.exists():
        return pl.DataFrame(schema=schema)
    frame = pl.read_csv(path, infer_schema=False, comment_prefix="#")
    missing = {"buyer_name", "organisation_code"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path.name}: missing column(s) {sorted(missing)}")
    if "note" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("note"))
    return frame.select(list(schema)).filter(
        pl.col("buyer_name").is_not_null() & pl.col("organisation_code").is_not_null()
    )


class Resolver:
    """Resolves buyer names against councils, combined authorities and central government."""

    def __init__(
        self,
        councils: pl.DataFrame,
        combined_authorities: pl.DataFrame,
        organisations: pl.DataFrame,
        departments: pl.DataFrame,
        aliases: pl.DataFrame,
        threshold: float = FUZZY_MATCH_THRESHOLD,
        functional_bodies: pl.DataFrame | None = None,
        council_successors: pl.DataFrame | None = None,
        customers: pl.DataFrame | None = None,
    ):
        self.threshold = threshold
        self.customer_keys = _customer_targets(customers)
        self.council_keys, self.county_keys = _council_targets(councils)
        self.ca_keys = _ca_targets(combined_authorities)
        self.central_keys = _central_targets(organisations, departments)
        self.devolved_keys = _devolved_targets(organisations)
        self.body_keys = _body_targets(read_functional_bodies() if functional_bodies is None else functional_bodies)
        self.abolished_keys = _abolished_targets(
            read_council_successors() if council_successors is None else council_successors
        )
        self.by_code: dict[str, Target] = {}
        for index in (
            self.council_keys,
            self.county_keys,
            self.ca_keys,
            self.body_keys,
            self.central_keys,
            self.devolved_keys,
            self.customer_keys,
        ):
            for targets in index.values():
                for t in targets:
                    self.by_code.setdefault(t.org_code, t)
        self.alias_map: dict[str, Target] = {}
        self.alias_errors: list[str] = []
        for row in aliases.iter_rows(named=True):
            target = self.by_code.get(row["organisation_code"].strip())
            if target is None:
                self.alias_errors.append(
                    f"alias {row['buyer_name']!r} -> {row['organisation_code']!r}: unknown organisation code"
                )
                continue
            self.alias_map[basic_key(row["buyer_name"])] = target
        self._fuzzy_choices = {
            "council": {**self.council_keys, **self.county_keys},
            "combined_authority": self.ca_keys,
            "central_government": {
                k: v for k, v in self.central_keys.items() if all(t.org_kind == "central_government" for t in v)
            },
            "devolved": self.devolved_keys,
        }

    def resolve(self, name: str, sector: str | None = None) -> dict:
        """One buyer name -> a BUYER_SCHEMA row."""
        base = basic_key(name)
        ckey = council_key(name)
        row = {"buyer_name": name, "normalized_name": ckey or base}
        if base in self.alias_map:
            return row | self._hit(self.alias_map[base], "alias", 100.0, base)
        exact = self._exact(name, base, ckey, sector)
        if exact is not None:
            return row | self._hit(exact[0], "exact", 100.0, exact[1])
        fuzzy = self._fuzzy(name, base, ckey, sector)
        if fuzzy is not None:
            return row | self._hit(*fuzzy)
        placed = self._unique(self.customer_keys, (base, central_key(name)))
        if placed is not None:
            return row | self._hit(placed[0], "urn_postcode", 100.0, placed[1])
        return row | {
            "org_kind": "unresolved",
            "org_code": None,
            "org_name": None,
            "match_method": "unresolved",
            "match_score": None,
            "matched_key": None,
        }

    @staticmethod
    def _hit(target: Target, method: str, score: float, key: str) -> dict:
        return {
            "org_kind": target.org_kind,
            "org_code": target.org_code,
            "org_name": target.org_name,
            "match_method": method,
            "match_score": round(score, 1),
            "matched_key": key,
        }

    def _exact(self, name: str, base: str, ckey: str, sector: str | None) -> tuple[Target, str] | None:
        sector_low = (sector or "").strip().lower()
        if sector_low == DEVOLVED:
            # Devolved governments and their bodies only: never a UK or English department or council.
            return self._unique(self.devolved_keys, (base, central_key(name)))
        central = self._unique(self.central_keys, (base, central_key(name)))
        if central is not None:
            return central
        body = self._unique(self.body_keys, (base,))
        if body is not None:
            return body
        if sector_low != LOCAL_GOVERNMENT and not council_like(name):
            return None  # a council needs a council-like name or the Local Government sector
        local = self._unique(self.ca_keys, (base,)) or self._unique(self.abolished_keys, (base,))
        if local is not None:
            return local
        county_first = says_county(name)
        order = (self.county_keys, self.council_keys) if county_first else (self.council_keys, self.county_keys)
        for index in order:
            for key in (ckey, base):
                hit = index.get(key)
                if hit and len(hit) == 1:
                    return hit[0], key
        return None

    @staticmethod
    def _unique(index: dict[str, list[Target]], keys: tuple[str, ...]) -> tuple[Target, str] | None:
        for key in keys:
            hit = index.get(key)
            if hit and len(hit) == 1:
                return hit[0], key
        return None

    def _fuzzy_plan(self, name: str, sector: str | None) -> list[str]:
        """Which kinds of organisation a name may be fuzzy-matched to, given its sector and wording."""
        sector_low = (sector or "").strip().lower()
        local = ["council", "combined_authority"]
        if sector_low == LOCAL_GOVERNMENT:
            return local
        if sector_low == "":
            return (local if council_like(name) else []) + ["central_government"]
        if sector_low == "central government":
            return ["central_government"]
        if sector_low == DEVOLVED:
            return ["devolved"]
        return []

    def _fuzzy(self, name: str, base: str, ckey: str, sector: str | None) -> tuple[Target, str, float, str] | None:
        kinds = self._fuzzy_plan(name, sector)
        queries = {"council": ckey, "combined_authority": base, "central_government": base, "devolved": base}
        best: tuple[Target, str, float, str] | None = None
        for kind in kinds:
            choices = self._fuzzy_choices[kind]
            query = queries[kind]
            if len(query) < 4:
                continue
            # Best of plain edit distance (catches a dropped space or letter) and token order
            # insensitive distance (catches reordered words).
            candidates = list(choices)
            found = sorted(
                process.extract(query, candidates, scorer=fuzz.ratio, limit=3)
                + process.extract(query, candidates, scorer=fuzz.token_sort_ratio, limit=3),
                key=lambda hit: -hit[1],
            )
            if not found or found[0][1] < self.threshold:
                continue
            key, score, _ = found[0]
            rivals = [hit for hit in found[1:] if choices[hit[0]] != choices[key]]
            if rivals and rivals[0][1] >= score - 3:
                continue  # ambiguous: two different organisations score alike
            if not _compass_agrees(query, key) or len(choices[key]) != 1:
                continue
            if best is None or score > best[2]:
                best = (choices[key][0], "fuzzy", float(score), key)
        return best


def customer_code(urn: int) -> str:
    """The org_code of a buyer placed through the CCS customer list: 'urn:10009655'."""
    return f"urn:{urn}"


def _customer_targets(customers: pl.DataFrame | None) -> dict[str, list[Target]]:
    """Normalised CCS customer names -> one target per district they are in (placed customers only).

    Customers of one name in one district collapse to the lowest URN; a name in several districts
    keeps a target for each, so `_unique` refuses it as ambiguous.
    """
    keys: dict[str, list[Target]] = {}
    if customers is None or not customers.height:
        return keys
    placed = customers.filter(pl.col("lad_code").is_not_null()).sort("urn")
    districts: dict[str, set[str]] = {}
    for row in placed.iter_rows(named=True):
        target = Target("public_body", customer_code(row["urn"]), row["customer_name"])
        for key in {basic_key(row["customer_name"]), central_key(row["customer_name"])}:
            if key and row["lad_code"] not in districts.setdefault(key, set()):
                districts[key].add(row["lad_code"])
                keys.setdefault(key, []).append(target)
    return keys


def _compass_agrees(query: str, candidate: str) -> bool:
    """North Tyneside must never become South Tyneside: every compass word of either name must
    appear in the other (as a word, or run together as in 'MidDevon')."""
    q_words, c_words = set(query.split()) & COMPASS, set(candidate.split()) & COMPASS
    return all(w in candidate for w in q_words) and all(w in query for w in c_words)


def resolve_buyers(names: pl.DataFrame, resolver: Resolver) -> pl.DataFrame:
    """Distinct names (buyer_name, sector) -> BUYER_SCHEMA rows, one per name."""
    rows = [resolver.resolve(r["buyer_name"], r.get("sector")) for r in names.iter_rows(named=True)]
    return pl.DataFrame(rows, schema=BUYER_SCHEMA)
