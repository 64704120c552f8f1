"""`python -m pipelines fetch`: every source's fetcher, run one after another into `<raw>/<source>/`.

Each domain package has a `fetch.py` with a `fetch(ctx)` per source; this module lists them in order and runs
them so that one source failing (DNS, 403, 429 for too long, 500, a malformed body, a renamed service) is
reported with the URL and the reason and the others still run. After each source its folder gets
`.fetch-status.json` (when, ok or not, the errors and warnings), which the build shows beside every file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

from pipelines import config
from pipelines.core.fetching import STATUS_FILE, Context, Settings, SourceReport, now_utc, write_json_atomically
from pipelines.core.http import FetchError, Http, HttpSettings, Wait
from pipelines.geography import fetch as geography
from pipelines.marketplace import fetch as marketplace
from pipelines.ministers import fetch as ministers
from pipelines.notices import fetch as notices
from pipelines.organisations import fetch as organisations
from pipelines.sme_spend import fetch as sme_spend

#: Every source, in the order they run (the quick, small ones first; the rate-limited notices last).
SOURCES: dict[str, Callable[[Context], None]] = {
    organisations.NAME: organisations.fetch,
    organisations.CCS_NAME: organisations.fetch_ccs_customers,
    ministers.GOVUK_NAME: ministers.fetch_govuk,
    ministers.IFG_NAME: ministers.fetch_ifg,
    geography.ONS_NAME: geography.fetch_ons,
    geography.POSTCODES_NAME: geography.fetch_ons_postcodes,
    geography.NOMIS_NAME: geography.fetch_nomis,
    sme_spend.NAME: sme_spend.fetch,
    marketplace.NAME: marketplace.fetch,
    notices.CF_NAME: notices.fetch_contracts_finder,
    notices.FTS_NAME: notices.fetch_find_a_tender,
}


def settings_from_config() -> Settings:
    return Settings(
        base_urls=dict(config.FETCH_BASE_URLS),
        ons_services=config.ONS_SERVICES,
        ons_postcode_services=config.ONS_POSTCODE_SERVICES,
        ccs_customer_page=config.CCS_CUSTOMER_PAGE,
        nomis_params=dict(config.NOMIS_PARAMS),
        notices_first_days=config.FETCH_NOTICES_FIRST_DAYS,
        notices_overlap_minutes=config.FETCH_NOTICES_OVERLAP_MINUTES,
    )


def http_from_config(on_wait: Callable[[Wait], None] | None = None) -> Http:
    return Http(
        HttpSettings(
            user_agent=config.FETCH_USER_AGENT,
            connect_timeout=config.FETCH_CONNECT_TIMEOUT,
            read_timeout=config.FETCH_READ_TIMEOUT,
            wait_scale=config.FETCH_WAIT_SCALE,
        ),
        on_wait=on_wait,
    )


def run(
    raw_dir: Path,
    *,
    only: Iterable[str] | None = None,
    since: dt.datetime | None = None,
    settings: Settings | None = None,
    http: Http | None = None,
    on_source: Callable[[str], None] = lambda _name: None,
    progress: Callable[[str, str], None] = lambda _source, _text: None,
) -> list[SourceReport]:
    """Run the chosen sources (all by default); never raises for a source's failure, reports it instead."""
    names = list(only) if only else list(SOURCES)
    unknown = [n for n in names if n not in SOURCES]
    if unknown:
        raise ValueError(f"unknown source(s) {', '.join(unknown)}: choose from {', '.join(SOURCES)}")
    settings = settings or settings_from_config()
    own = http is None
    client = http or http_from_config()
    try:
        return [_run_one(name, raw_dir, settings, client, since, on_source, progress) for name in names]
    finally:
        if own:
            client.close()


def _run_one(
    name: str,
    raw_dir: Path,
    settings: Settings,
    http: Http,
    since: dt.datetime | None,
    on_source: Callable[[str], None],
    progress: Callable[[str, str], None],
) -> SourceReport:
    on_source(name)
    report = SourceReport(name)
    ctx = Context(http, raw_dir, name, settings, report, since, progress=lambda text: progress(name, text))
    before = http.requests
    try:
        SOURCES[name](ctx)
    except FetchError as exc:
        report.errors.append(str(exc))
    except OSError as exc:  # the raw folder itself: full disk, no permission
        report.errors.append(f"{exc.filename or ctx.folder}: could not write ({exc.strerror or exc})")
    except Exception as exc:  # a publisher's answer in a shape no fetcher foresaw: report it, run the others
        report.errors.append(f"{name}: unexpected {type(exc).__name__}: {exc}")
    report.requests = http.requests - before
    _write_status(ctx, report)
    return report


def _write_status(ctx: Context, report: SourceReport) -> None:
    status = {
        "source": report.source,
        "finished_at": now_utc(),
        "ok": report.ok,
        "errors": report.errors,
        "warnings": report.warnings,
        "requests": report.requests,
        "files": {s: report.count(s) for s in ("new", "changed", "unchanged", "kept")},
    }
    try:
        write_json_atomically(ctx.folder / STATUS_FILE, status)
    except OSError as exc:
        report.errors.append(f"{ctx.folder / STATUS_FILE}: could not write ({exc.strerror or exc})")
