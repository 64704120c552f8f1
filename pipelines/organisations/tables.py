"""dim_organisation: every central-government body with the department it rolls up to.

Spend and notice data name agencies ("DVLA", "Skills Funding Agency"), not departments. GOV.UK's
organisations API links each body to its parents; walking those links up to the nearest Ministerial or
Non-ministerial department gives the department a body reports to. Bodies that have closed (and so are missing
from a snapshot of live organisations) come from the hand-written `reference/central_bodies.csv` so that
2012-2016 spend by the Skills Funding Agency still rolls up to BIS.

`build_organisations` is pure: staging frames in, warehouse frames out (it reads only the reference CSVs
shipped with the code).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from pipelines.config import CODE_REFERENCE_DIR
from pipelines.core.loading import staging
from pipelines.core.schema import Column, Table
from pipelines.organisations.formats import STAGING, STAGING_SCHEMA
from pipelines.reference import departments

CENTRAL_BODIES_CSV = CODE_REFERENCE_DIR / "central_bodies.csv"
PARENT_OVERRIDES_CSV = CODE_REFERENCE_DIR / "organisation_parents.csv"
DEVOLVED_GOVERNMENT = "Devolved government"

MINISTERIAL = "Ministerial department"
NON_MINISTERIAL = "Non-ministerial department"
DEPARTMENT_FORMATS = (MINISTERIAL, NON_MINISTERIAL)
REFERENCE_STATUS = "closed (reference)"

DIM_ORGANISATION = Table(
    name="dim_organisation",
    description=(
        "GOV.UK organisations (live snapshot) plus closed central bodies from reference/central_bodies.csv, "
        "each with the department it rolls up to through its parent links."
    ),
    kind="dimension",
    key=("slug",),
    columns=(
        Column("slug", "VARCHAR", "GOV.UK organisation slug (stable identifier)", nullable=False),
        Column("title", "VARCHAR", "Organisation name as GOV.UK shows it", nullable=False),
        Column("abbreviation", "VARCHAR", "Abbreviation (DVLA, HMRC); null when GOV.UK gives none"),
        Column("format", "VARCHAR", "GOV.UK organisation type (Executive agency, Ministerial department, ...)"),
        Column(
            "govuk_status",
            "VARCHAR",
            "GOV.UK status (live, exempt, joining, transitioning, closed) or 'closed (reference)' for a closed "
            "body known only from reference/central_bodies.csv",
        ),
        Column("is_closed", "BOOLEAN", "The body no longer exists (closed status or a closed date)", nullable=False),
        Column("closed_year", "INTEGER", "Year the body closed (GOV.UK closed_at, or central_bodies.csv)"),
        Column(
            "parent_slugs",
            "VARCHAR",
            "Comma-joined slugs of the parent organisations, publisher order (replaced where "
            "reference/organisation_parents.csv corrects GOV.UK, with its source)",
        ),
        Column(
            "successor_slug",
            "VARCHAR",
            "For a closed body: the live organisation reached by following successors (GOV.UK "
            "superseding_organisations, the reverse of a live body's superseded_organisations, or "
            "central_bodies.csv superseded_by); null for a live body or when the chain ends",
        ),
        Column(
            "current_department_slug",
            "VARCHAR",
            "The department the body's work sits in today: the successor's department for a closed body with a "
            "successor, else department_slug",
        ),
        Column("current_department_id", "VARCHAR", "departments.csv department_id of current_department_slug"),
        Column(
            "devolved_government_slug",
            "VARCHAR",
            "The devolved government (Scottish, Welsh, Northern Ireland Executive) the body is or belongs to "
            "through parent links; null for UK and English bodies",
        ),
        Column(
            "department_slug",
            "VARCHAR",
            "Nearest Ministerial or Non-ministerial department up the parent links (the body itself when it is "
            "one; a UK ministerial department preferred when several parents lead to departments); null if none",
        ),
        Column(
            "department_id",
            "VARCHAR",
            "department_id in reference/departments.csv whose govuk_slug is department_slug; null when not listed",
        ),
        Column("is_department", "BOOLEAN", "The body is a Ministerial or Non-ministerial department", nullable=False),
    ),
)

TABLES: tuple[Table, ...] = (DIM_ORGANISATION,)


@cache
def central_bodies(path: Path = CENTRAL_BODIES_CSV) -> pl.DataFrame:
    """The hand-written central bodies (current and closed) with `closed` as a Boolean."""
    frame = pl.read_csv(path, infer_schema=False)
    return frame.with_columns(
        pl.col("closed").str.strip_chars().str.to_lowercase().replace_strict({"true": True, "false": False}),
    )


@cache
def parent_overrides(path: Path = PARENT_OVERRIDES_CSV) -> dict[str, str]:
    """slug -> parent slug where GOV.UK's parent link is missing or wrong (each row gives its source)."""
    if not path.exists():
        return {}
    frame = pl.read_csv(path, infer_schema=False)
    return dict(zip(frame["slug"].to_list(), frame["parent_slug"].to_list(), strict=True))


# --------------------------------------------------------------------------------------------- the walk


@dataclass(frozen=True)
class Node:
    """What the walk needs to know about one organisation."""

    format: str | None
    parents: tuple[str, ...]


def split_slugs(text: str | None) -> tuple[str, ...]:
    """'a,b' -> ('a', 'b'); None or '' -> ()."""
    if not text:
        return ()
    return tuple(s.strip() for s in text.split(",") if s.strip())


def department_rank(fmt: str | None) -> int | None:
    """0 for a UK ministerial department, 1 for a non-ministerial one, None for any other body."""
    if fmt == MINISTERIAL:
        return 0
    if fmt == NON_MINISTERIAL:
        return 1
    return None


def find_department(
    slug: str, graph: Mapping[str, Node], known_departments: frozenset[str] = frozenset()
) -> str | None:
    """The department `slug` rolls up to, walking parent links breadth first.

    The walk stops at each department it reaches (it does not climb above a department), never visits a
    body twice (so cycles end), and among the departments found prefers a ministerial one, then the nearest,
    then the parent the publisher listed first. A slug missing from `graph` but listed in
    `known_departments` (a departments.csv slug) counts as a ministerial department, so a link to a
    department absent from the snapshot still resolves.
    """

    def rank(s: str) -> int | None:
        node = graph.get(s)
        if node is None:
            return 0 if s in known_departments else None
        return department_rank(node.format)

    if rank(slug) is not None:
        return slug
    found: list[tuple[int, int, int, str]] = []  # (rank, depth, order, slug)
    seen = {slug}
    frontier = [slug]
    depth = 0
    order = 0
    while frontier:
        depth += 1
        next_frontier: list[str] = []
        for current in frontier:
            node = graph.get(current)
            for parent in node.parents if node else ():
                if parent in seen:
                    continue
                seen.add(parent)
                order += 1
                parent_rank = rank(parent)
                if parent_rank is not None:
                    found.append((parent_rank, depth, order, parent))
                else:
                    next_frontier.append(parent)
        frontier = next_frontier
    return min(found)[3] if found else None


# --------------------------------------------------------------------------------------------- the build


def latest_per_slug(stg: pl.DataFrame) -> pl.DataFrame:
    """One staging row per slug across files: the most recently updated, then the first file/line."""
    return (
        stg.sort(["slug", "updated_at", "source_file", "source_line"], descending=[False, True, False, False],
                 nulls_last=True)
        .unique(subset="slug", keep="first", maintain_order=True)
    )  # fmt: skip


def api_organisations(stg: pl.DataFrame) -> pl.DataFrame:
    """Staged API records in dimension shape (before the department walk)."""
    return latest_per_slug(stg).select(
        "slug",
        "title",
        "abbreviation",
        "format",
        "govuk_status",
        ((pl.col("govuk_status").str.to_lowercase() == "closed") | pl.col("closed_at").is_not_null())
        .fill_null(False)
        .alias("is_closed"),
        pl.col("closed_at").dt.year().cast(pl.Int32).alias("closed_year"),
        "parent_slugs",
        "superseding_slugs",
        "superseded_slugs",
    )


def reference_closed_bodies(bodies: pl.DataFrame, present: pl.Series) -> pl.DataFrame:
    """Closed bodies from central_bodies.csv that the API snapshot lacks, in dimension shape."""

    def blank_to_null(name: str) -> pl.Expr:
        return pl.when(pl.col(name).str.strip_chars() == "").then(None).otherwise(pl.col(name).str.strip_chars())

    for optional in ("closed_year", "superseded_by"):
        if optional not in bodies.columns:
            bodies = bodies.with_columns(pl.lit(None, dtype=pl.String).alias(optional))
    return bodies.filter(pl.col("closed") & ~pl.col("slug").is_in(present.implode())).select(
        "slug",
        "title",
        blank_to_null("abbreviation").alias("abbreviation"),
        "format",
        pl.lit(REFERENCE_STATUS).alias("govuk_status"),
        pl.lit(True).alias("is_closed"),
        blank_to_null("closed_year").cast(pl.Int32, strict=False).alias("closed_year"),
        blank_to_null("parent_slug").alias("parent_slugs"),
        blank_to_null("superseded_by").str.replace_all(r"\|", ",").alias("superseding_slugs"),
        pl.lit(None, dtype=pl.String).alias("superseded_slugs"),
    )


def successors(orgs: pl.DataFrame) -> dict[str, str]:
    """Closed slug -> the live organisation its successors lead to (breadth first, own links first).

    A body's successors are its superseding_slugs plus every organisation that lists it among its
    superseded_slugs. Only closed bodies are followed: GOV.UK also lists live bodies (Natural Resources
    Wales under the Welsh Government) as "superseded", and a live body is its own answer.
    """
    closed = {r["slug"] for r in orgs.select("slug", "is_closed").iter_rows(named=True) if r["is_closed"]}
    links: dict[str, list[str]] = {}
    for row in orgs.select("slug", "superseding_slugs", "superseded_slugs").iter_rows(named=True):
        links.setdefault(row["slug"], []).extend(split_slugs(row["superseding_slugs"]))
        for old in split_slugs(row["superseded_slugs"]):
            links.setdefault(old, []).append(row["slug"])
    known = set(orgs["slug"])
    out: dict[str, str] = {}
    for slug in sorted(closed):
        seen, frontier = {slug}, [slug]
        while frontier and slug not in out:
            following: list[str] = []
            for current in frontier:
                for nxt in links.get(current, []):
                    if nxt in seen or nxt not in known:
                        continue
                    seen.add(nxt)
                    if nxt not in closed:
                        out[slug] = nxt
                        break
                    following.append(nxt)
                if slug in out:
                    break
            frontier = following
    return out


def devolved_governments(graph: Mapping[str, Node]) -> dict[str, str]:
    """slug -> the devolved government it is, or reaches through parent links."""
    out: dict[str, str] = {}
    for slug in graph:
        seen, frontier = {slug}, [slug]
        while frontier and slug not in out:
            following: list[str] = []
            for current in frontier:
                node = graph.get(current)
                if node is not None and node.format == DEVOLVED_GOVERNMENT:
                    out[slug] = current
                    break
                for parent in node.parents if node else ():
                    if parent not in seen:
                        seen.add(parent)
                        following.append(parent)
            frontier = following
    return out


def with_departments(orgs: pl.DataFrame, dept_ref: pl.DataFrame) -> pl.DataFrame:
    """Add department_slug (the walk), department_id (departments.csv by govuk_slug) and is_department."""
    graph = {
        row["slug"]: Node(row["format"], split_slugs(row["parent_slugs"]))
        for row in orgs.select("slug", "format", "parent_slugs").iter_rows(named=True)
    }
    slug_to_id = {
        row["govuk_slug"]: row["department_id"]
        for row in dept_ref.select("govuk_slug", "department_id").drop_nulls().iter_rows(named=True)
    }
    known = frozenset(slug_to_id)
    slugs = orgs["slug"].to_list()
    dept_slugs = [find_department(slug, graph, known) for slug in slugs]
    dept_of = dict(zip(slugs, dept_slugs, strict=True))
    succ = successors(orgs)
    current = [dept_of.get(succ[s]) if s in succ else dept_of[s] for s in slugs]
    devolved = devolved_governments(graph)
    return orgs.with_columns(
        pl.Series("department_slug", dept_slugs, dtype=pl.String),
        pl.Series("department_id", [slug_to_id.get(s) if s else None for s in dept_slugs], dtype=pl.String),
        pl.col("format").is_in(list(DEPARTMENT_FORMATS)).fill_null(False).alias("is_department"),
        pl.Series("successor_slug", [succ.get(s) for s in slugs], dtype=pl.String),
        pl.Series("current_department_slug", current, dtype=pl.String),
        pl.Series("current_department_id", [slug_to_id.get(s) if s else None for s in current], dtype=pl.String),
        pl.Series("devolved_government_slug", [devolved.get(s) for s in slugs], dtype=pl.String),
    )


def apply_parent_overrides(orgs: pl.DataFrame, overrides: Mapping[str, str]) -> pl.DataFrame:
    """Replace the parent links of the bodies listed in reference/organisation_parents.csv."""
    if not overrides:
        return orgs
    return orgs.with_columns(
        pl.col("slug")
        .replace_strict(dict(overrides), default=pl.col("parent_slugs"), return_dtype=pl.String)
        .alias("parent_slugs")
    )


def build_organisations(
    stg: Mapping[str, pl.DataFrame],
    bodies: pl.DataFrame | None = None,
    dept_ref: pl.DataFrame | None = None,
    overrides: Mapping[str, str] | None = None,
) -> dict[str, pl.DataFrame]:
    """Staging -> {'dim_organisation': ...}.

    `bodies` and `dept_ref` default to the shipped reference CSVs; tests pass small frames instead.
    """
    staged = staging(stg, STAGING, STAGING_SCHEMA)
    bodies = central_bodies() if bodies is None else bodies
    dept_ref = departments() if dept_ref is None else dept_ref
    api = api_organisations(staged)
    closed = reference_closed_bodies(bodies, api["slug"])
    orgs = pl.concat([api, closed.cast(api.schema)], how="vertical")
    orgs = apply_parent_overrides(orgs, parent_overrides() if overrides is None else overrides)
    dim = with_departments(orgs, dept_ref).sort("slug")
    return {DIM_ORGANISATION.name: DIM_ORGANISATION.conform(dim)}
