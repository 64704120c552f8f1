"""Fetch ministers: the GOV.UK ministers index with every ministerial role page, and the IfG Ministers Database.

GOV.UK (`<govuk>/api/content/government/ministers`, then `/api/content/government/ministers/<slug>` for every
`ministerial_role` the index links to): each document is kept as served with its capture time in the manifest
(a role page's text describes the role when it was fetched). A role page an earlier run fetched for a role the
index no longer lists is removed, with a warning, once every current role page is fetched. In reshuffle mode the index has empty `links` (or a
`details.reshuffle` message) and lists no minister: the last good snapshot is kept, not replaced, and the
warning says so, in the run's report and in the index's manifest note (which the data page shows).

IfG (public repository `instituteforgov/ifg-ministers-database-public`, no releases, plain commits on `main`):
the latest commit is asked from the GitHub API (conditionally), and when it is new every CSV under `data/` at
that commit is fetched from raw.githubusercontent.com, the commit recorded in each manifest. Tables are found by
listing the folder, so a renamed table (`organisation_links.csv` became `organisation_link.csv`) is followed;
a table the new commit no longer has is removed only once the new set is complete.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipelines.core.fetching import (
    BadBody,
    Context,
    FileResult,
    Origin,
    check_csv,
    conditional_headers,
    decode_json,
    download,
    get_json,
    manifest_path,
    now_utc,
    read_manifest,
    read_state,
    safe_name,
    save_bytes,
    write_state,
)
from pipelines.core.govuk import GOVUK_POLICY
from pipelines.core.http import FetchError, Policy
from pipelines.ministers import govuk, ifg

GOVUK_NAME = "govuk-ministers"
IFG_NAME = "ifg-ministers"
INDEX_PATH = "/government/ministers"
GITHUB_POLICY = Policy(spacing=1.0)


def in_reshuffle(doc: dict[str, Any]) -> bool:
    return not doc.get("links") or bool((doc.get("details") or {}).get("reshuffle"))


def role_paths(doc: object) -> list[str]:
    """Every ministerial role the index lists now: departments' roles and current appointments' roles."""
    found: set[str] = set()
    stack: list[object] = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("document_type") == "role_appointment" and not (item.get("details") or {}).get("current"):
                continue  # a person's earlier posts: not a role the index lists now
            path = item.get("base_path")
            if item.get("document_type") == "ministerial_role" and isinstance(path, str):
                if path.startswith(INDEX_PATH + "/"):
                    found.add(path)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return sorted(found)


def check_content(path: Path) -> str | None:
    data, _ = decode_json(path.read_bytes())
    if not isinstance(data, dict) or "base_path" not in data:
        raise BadBody("not a GOV.UK Content API document (no base_path)")
    return None


def fetch_govuk(ctx: Context) -> None:
    url = ctx.settings.url("govuk") + "/api/content" + INDEX_PATH
    dest = ctx.folder / "ministers_index.json"
    previous = read_manifest(dest)
    origin = Origin(govuk.PUBLISHER, govuk.LICENCE)
    response, doc, body = get_json(ctx, url, headers=conditional_headers(previous, dest), policy=GOVUK_POLICY)
    if response.status_code == 304 and previous is not None:
        previous.checked_at = now_utc()
        previous.write(dest)
        ctx.add(FileResult(dest, "unchanged", url, "304 Not Modified: kept"))
        doc = json.loads(dest.read_bytes())
    elif not isinstance(doc, dict) or "base_path" not in doc:
        raise FetchError(url, "not a GOV.UK Content API document")
    elif in_reshuffle(doc):
        _keep_during_reshuffle(ctx, url, dest)
        return
    else:
        updated = doc.get("public_updated_at")
        origin = Origin(govuk.PUBLISHER, govuk.LICENCE, publisher_updated_at=updated)
        save_bytes(ctx, dest, body, origin, url=url, response=response, check=check_content)
    paths = role_paths(doc)
    ctx.progress(f"{len(paths)} ministerial role pages")
    current: set[Path] = set()
    for path in paths:
        role_url = ctx.settings.url("govuk") + "/api/content" + path
        role_dest = ctx.folder / "roles" / f"{safe_name(path.rsplit('/', 1)[-1], 'role')}.json"
        current.add(role_dest)
        try:
            download(ctx, role_url, role_dest, origin, policy=GOVUK_POLICY, check=check_content, expect_type="json")
        except FetchError as exc:
            ctx.report.errors.append(str(exc))
    if ctx.report.ok:
        _remove_departed_roles(ctx, current)


def _remove_departed_roles(ctx: Context, current: set[Path]) -> None:
    """Role pages an earlier run fetched for roles the index no longer lists (abolished or renamed roles)."""
    folder = ctx.folder / "roles"
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.json")):
        if path in current or read_manifest(path) is None:
            continue
        path.unlink(missing_ok=True)
        manifest_path(path).unlink(missing_ok=True)
        ctx.warn(f"roles/{path.name}: the index no longer lists this role, so its page is removed")


def _keep_during_reshuffle(ctx: Context, url: str, dest: Path) -> None:
    previous = read_manifest(dest)
    if previous is None or not dest.exists():
        raise FetchError(
            url,
            "GOV.UK is in reshuffle mode (the index lists no ministers) and there is no "
            "earlier snapshot to keep: no GOV.UK ministers data this time",
        )
    stamp = now_utc()
    note = (
        f"GOV.UK was in reshuffle mode at {stamp} (the index listed no ministers): this is the last good "
        f"snapshot, fetched {previous.fetched_at}"
    )
    previous.checked_at, previous.note = stamp, note
    previous.write(dest)
    ctx.warn(f"{url}: {note}")
    ctx.add(FileResult(dest, "kept", url, note))


# --- IfG Ministers Database -----------------------------------------------------------------------------------


def fetch_ifg(ctx: Context) -> None:
    repo, api = ctx.settings.ifg_repo, ctx.settings.url("github_api")
    state = read_state(ctx.folder)
    url = f"{api}/repos/{repo}/commits/{ctx.settings.ifg_branch}"
    headers = {"Accept": "application/vnd.github+json"}
    if state.get("etag") and state.get("commit"):
        headers["If-None-Match"] = state["etag"]
    response, data, _ = get_json(ctx, url, headers=headers, policy=GITHUB_POLICY)
    sha = _latest_commit(url, response.status_code, data, state)
    files = [ctx.folder / name for name in state.get("files", [])]
    if sha == state.get("commit") and files and all(f.exists() for f in files):
        for f in files:
            ctx.add(FileResult(f, "unchanged", url, f"commit {sha[:12]} already fetched"))
        return
    committed = ((data or {}).get("commit") or {}).get("committer", {}).get("date")
    names = _tables(ctx, repo, sha)
    origin = Origin(
        ifg.PUBLISHER, ifg.LICENCE, publisher_updated_at=committed, extra={"repository": repo, "commit": sha}
    )
    failed = 0
    for name in names:
        raw = f"{ctx.settings.url('github_raw')}/{repo}/{sha}/data/{name}"
        try:
            download(ctx, raw, ctx.folder / name, origin, policy=GITHUB_POLICY, check=check_csv)
        except FetchError as exc:
            failed += 1
            ctx.report.errors.append(str(exc))
    if failed:
        return  # the commit is not recorded, so the next run asks for it again
    for old in ctx.folder.glob("*.csv"):
        if old.name not in names:  # a table of an earlier commit that this one no longer has
            old.unlink(missing_ok=True)
            manifest_path(old).unlink(missing_ok=True)
    write_state(
        ctx.folder,
        {
            "commit": sha,
            "committed_at": committed,
            "etag": response.headers.get("ETag"),
            "files": names,
            "fetched_at": now_utc(),
        },
    )
    ctx.progress(f"commit {sha[:12]}: {len(names)} tables")


def _latest_commit(url: str, status: int, data: Any, state: dict[str, Any]) -> str:
    if status == 304:
        return str(state["commit"])
    if isinstance(data, dict) and isinstance(data.get("sha"), str):
        return data["sha"]
    raise FetchError(url, "the GitHub API answer names no commit (sha)")


def _tables(ctx: Context, repo: str, sha: str) -> list[str]:
    url = f"{ctx.settings.url('github_api')}/repos/{repo}/contents/data"
    _, listing, _ = get_json(
        ctx, url, params={"ref": sha}, headers={"Accept": "application/vnd.github+json"}, policy=GITHUB_POLICY
    )
    if not isinstance(listing, list):
        raise FetchError(url, "the GitHub API answer is not a folder listing")
    names = sorted(
        str(e["name"])
        for e in listing
        if isinstance(e, dict) and e.get("type") == "file" and str(e.get("name", "")).endswith(".csv")
    )
    if not names:
        raise FetchError(url, f"no CSV table under data/ at commit {sha}")
    return names
