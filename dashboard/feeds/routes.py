"""The feeds' HTTP routes (Starlette), mounted beside the Streamlit app by dashboard/server.py.

Each request is validated before anything is read: `area` must be an area the dashboard offers (by the label its
area picker and `?area=` use; absent means all areas) or the answer is 404 with a message; `contracts` (IT or All)
and `horizon` (6, 12, 24 or 36) must be values the page offers, or 400; a parameter given twice is 400. Unknown
parameters are ignored (calendar applications add their own). Values reach the warehouse only as bound parameters
of the named queries (dashboard/queries/expiry_pipeline.sql, it_notices_feed.sql). Documents are cached per
warehouse signature (a rebuilt warehouse is never served from an old document) and carry an ETag; a warehouse that
cannot be read is a 503 with a message, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from functools import lru_cache

import duckdb
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from dashboard import db
from dashboard.feeds import ATOM_PATH, CALENDAR_PATH, atom, atom_url, ical
from dashboard.filters import NATIONAL_LABEL, Area, area_choices, echo
from dashboard.notices import logic, pipeline

ATOM_ENTRIES = 50
CALENDAR_TYPE = "text/calendar; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


class FeedError(Exception):
    """A request the feeds refuse, with the status and the message the client reads."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def one(request: Request, key: str) -> str | None:
    values = request.query_params.getlist(key)
    if len(values) > 1:
        raise FeedError(400, f"Give '{key}' once (it was given {len(values)} times).")
    return values[0] if values else None


@lru_cache(maxsize=8)
def _areas(signature: tuple[int, int, int]) -> dict[str, Area]:
    del signature  # the cache key: a rebuilt warehouse may offer other areas
    return {a.label: a for a in area_choices(db.run_query("area_options"))}


def area_param(request: Request, signature: tuple[int, int, int]) -> Area:
    label = one(request, "area") or NATIONAL_LABEL
    area = _areas(signature).get(label)
    if area is None:
        raise FeedError(
            404,
            f"Unknown area {echo(label)}: use an area as the dashboard's area picker names it (the 'area' of a "
            f"dashboard link), e.g. 'Greater Manchester'; leave it out for all areas.",
        )
    return area


def scope_param(request: Request) -> str:
    value = one(request, pipeline.SCOPE_KEY) or pipeline.DEFAULT_SCOPE
    for scope in pipeline.SCOPES:
        if value.lower() == scope.lower():
            return scope
    raise FeedError(400, f"Unknown contracts {echo(value)}: use 'IT' or 'All'.")


def horizon_param(request: Request) -> int:
    value = one(request, pipeline.HORIZON_KEY) or str(pipeline.DEFAULT_HORIZON)
    if value not in {str(h) for h in pipeline.HORIZONS}:
        offered = ", ".join(str(h) for h in pipeline.HORIZONS)
        raise FeedError(400, f"Unknown horizon {echo(value)}: use one of {offered} (months).")
    return int(value)


def _built_at() -> dt.datetime:
    frame = db.run_query("build_info")
    built = frame["built_at"][0] if frame.height else None
    if isinstance(built, dt.datetime):
        return built if built.tzinfo else built.replace(tzinfo=dt.UTC)
    return dt.datetime.now(dt.UTC)


@lru_cache(maxsize=256)
def calendar_document(
    signature: tuple[int, int, int], area: Area, scope: str, horizon: int, today: dt.date
) -> bytes:
    """The calendar for one area, scope and window (cached per warehouse signature and day)."""
    del signature
    until = logic.add_months(today, horizon)
    rows = db.run_query(
        "expiry_pipeline",
        area_level=area.level,
        area_code=area.code,
        today=today,
        horizon_end=until,
        it_only=scope == "IT",
    )
    name = f"{pipeline.noun(scope).capitalize()} ending in {area.label} (next {horizon} months)"
    return ical.calendar_bytes(rows.iter_rows(named=True), name=name, built_at=_built_at())


@lru_cache(maxsize=256)
def atom_document(signature: tuple[int, int, int], area: Area, self_url: str) -> bytes:
    """The Atom feed for one area (cached per warehouse signature)."""
    del signature
    rows = db.run_query("it_notices_feed", area_level=area.level, area_code=area.code, limit=ATOM_ENTRIES)
    newest = rows["published_date"].max() if rows.height else None
    updated = _built_at() if not isinstance(newest, dt.date) else dt.datetime.combine(newest, dt.time(), dt.UTC)
    return atom.feed_bytes(
        rows.iter_rows(named=True),
        title=f"New IT notices: {area.label} (Contracts Finder and Find a Tender)",
        feed_id=f"urn:procurement-reform-dashboard:it-notices:{area.level}:{area.code}",
        self_url=self_url,
        updated=updated,
    )


def _respond(request: Request, body: bytes, media_type: str, file_name: str) -> Response:
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {
        "ETag": etag,
        "Cache-Control": "public, max-age=3600",
        "Content-Disposition": f'inline; filename="{file_name}"',
        "X-Content-Type-Options": "nosniff",
    }
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _guarded(request: Request, build: Callable[[Request], Response]) -> Response:
    """Run a document builder, turning refusals and an unreadable warehouse into messages."""
    try:
        return build(request)
    except FeedError as refused:
        return PlainTextResponse(refused.message + "\n", status_code=refused.status)
    except (OSError, duckdb.Error, db.WarehouseProblem):
        return PlainTextResponse(
            "The warehouse cannot be read just now (it may be being rebuilt): try again in a minute.\n",
            status_code=503,
            headers={"Retry-After": "60"},
        )


def _calendar(request: Request) -> Response:
    signature = db.warehouse_signature()
    area = area_param(request, signature)
    scope, horizon = scope_param(request), horizon_param(request)
    body = calendar_document(signature, area, scope, horizon, dt.date.today())
    return _respond(request, body, CALENDAR_TYPE, "contracts.ics")


def _atom(request: Request) -> Response:
    signature = db.warehouse_signature()
    area = area_param(request, signature)
    self_url = atom_url(f"{request.url.scheme}://{request.url.netloc}", area.label)
    body = atom_document(signature, area, self_url)
    return _respond(request, body, ATOM_TYPE, "it-notices.atom")


def calendar(request: Request) -> Response:
    return _guarded(request, _calendar)


def atom_feed(request: Request) -> Response:
    return _guarded(request, _atom)


#: The routes, for a Starlette app of their own (tests); dashboard/server.py mounts the same handlers beside the pages.
ROUTES = [
    Route(CALENDAR_PATH, calendar, methods=["GET"]),
    Route(ATOM_PATH, atom_feed, methods=["GET"]),
]
