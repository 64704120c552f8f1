"""GOV.UK ministers and the IfG Ministers Database, end to end against a replay server on 127.0.0.1.

The GOV.UK index (reshuffle mode off and on) and the role page are the recorded documents in
../shared/data/govuk-ministers; the IfG tables are the recorded CSVs in ../shared/data/ifg-ministers-database
(both skipped when absent). The GitHub API answers (latest commit, folder listing) are hand-built in its shape.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.core.fetching import read_manifest, read_state
from pipelines.core.http import FetchError
from pipelines.ministers.fetch import GOVUK_NAME, IFG_NAME, fetch_govuk, fetch_ifg, role_paths
from tests.replay import ReplayServer, Reply, Seen, context, shared

MINISTERS = shared("govuk-ministers")
IFG = shared("ifg-ministers-database")
INDEX = "/api/content/government/ministers"
REPO = "instituteforgov/ifg-ministers-database-public"


def needs(folder: Path) -> None:
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent (recorded payloads)")


def index_reply(mode: str, etag: str) -> Reply:
    return Reply.json(
        (MINISTERS / "ministers_index" / f"ministers_index-reshuffle-mode-{mode}.json").read_bytes(), etag=etag
    )


def serve_govuk(replay: ReplayServer) -> None:
    replay.route(INDEX, index_reply("off", '"index-1"'))
    replay.route(INDEX + "/*", Reply.json((MINISTERS / "role" / "prime_minister.json").read_bytes(), etag='"role-1"'))


def test_the_index_and_every_current_role_page_are_fetched(replay: ReplayServer, tmp_path: Path) -> None:
    needs(MINISTERS)
    serve_govuk(replay)
    ctx = context(replay, tmp_path, GOVUK_NAME)
    fetch_govuk(ctx)
    assert ctx.report.ok, ctx.report.errors
    folder = tmp_path / GOVUK_NAME
    roles = sorted(p.stem for p in (folder / "roles").glob("*.json") if not p.name.startswith("."))
    assert "prime-minister" in roles and "minister-for-the-civil-service" in roles
    assert "secretary-of-state-for-wales" not in roles  # an earlier post of someone now in another role
    assert len(roles) == len(replay.seen(INDEX + "/"))
    manifest = read_manifest(folder / "ministers_index.json")
    assert manifest is not None and manifest.publisher_updated_at and manifest.fetched_at.endswith("Z")
    assert (folder / "ministers_index.json").read_bytes() == (
        MINISTERS / "ministers_index" / "ministers_index-reshuffle-mode-off.json"
    ).read_bytes()


def test_a_second_run_asks_only_conditionally(replay: ReplayServer, tmp_path: Path) -> None:
    needs(MINISTERS)
    serve_govuk(replay)
    fetch_govuk(context(replay, tmp_path, GOVUK_NAME))
    n = len(replay.log)
    replay.clear()
    ctx = context(replay, tmp_path, GOVUK_NAME)
    fetch_govuk(ctx)
    assert len(replay.log) == n and all(s.conditional for s in replay.log)
    assert {f.status for f in ctx.report.files} == {"unchanged"}


def plant_departed_role(folder: Path) -> None:
    """A role page (with its manifest) an earlier run fetched for a role the index lists no more, and one by hand."""
    roles = folder / "roles"
    for suffix in ("", ".manifest"):
        src = roles / (f".prime-minister.json{suffix}.json" if suffix else "prime-minister.json")
        dst = roles / (f".minister-for-abolition.json{suffix}.json" if suffix else "minister-for-abolition.json")
        dst.write_bytes(src.read_bytes())
    (roles / "by-hand.json").write_bytes((roles / "prime-minister.json").read_bytes())


def test_a_role_the_index_no_longer_lists_has_its_page_removed(replay: ReplayServer, tmp_path: Path) -> None:
    needs(MINISTERS)
    serve_govuk(replay)
    fetch_govuk(context(replay, tmp_path, GOVUK_NAME))
    plant_departed_role(tmp_path / GOVUK_NAME)
    ctx = context(replay, tmp_path, GOVUK_NAME)
    fetch_govuk(ctx)
    assert ctx.report.ok, ctx.report.errors
    roles = tmp_path / GOVUK_NAME / "roles"
    assert not (roles / "minister-for-abolition.json").exists()
    assert not (roles / ".minister-for-abolition.json.manifest.json").exists()
    assert (roles / "by-hand.json").exists() and (roles / "prime-minister.json").exists()
    assert ctx.report.warnings == [
        "roles/minister-for-abolition.json: the index no longer lists this role, so its page is removed"
    ]


def test_a_role_page_failing_removes_nothing(replay: ReplayServer, tmp_path: Path) -> None:
    needs(MINISTERS)
    serve_govuk(replay)
    fetch_govuk(context(replay, tmp_path, GOVUK_NAME))
    plant_departed_role(tmp_path / GOVUK_NAME)
    replay.route(INDEX + "/prime-minister", Reply(status=500, body=b"down"))
    ctx = context(replay, tmp_path, GOVUK_NAME)
    fetch_govuk(ctx)
    assert not ctx.report.ok and (tmp_path / GOVUK_NAME / "roles" / "minister-for-abolition.json").exists()


def test_reshuffle_mode_keeps_the_last_good_snapshot_and_says_so(replay: ReplayServer, tmp_path: Path) -> None:
    needs(MINISTERS)
    serve_govuk(replay)
    fetch_govuk(context(replay, tmp_path, GOVUK_NAME))
    good = (tmp_path / GOVUK_NAME / "ministers_index.json").read_bytes()
    fetched = read_manifest(tmp_path / GOVUK_NAME / "ministers_index.json").fetched_at  # type: ignore[union-attr]
    replay.route(INDEX, index_reply("on", '"index-2"'))
    replay.clear()
    ctx = context(replay, tmp_path, GOVUK_NAME)
    fetch_govuk(ctx)
    assert ctx.report.ok
    assert (tmp_path / GOVUK_NAME / "ministers_index.json").read_bytes() == good
    assert len(ctx.report.warnings) == 1 and "reshuffle mode" in ctx.report.warnings[0]
    note = read_manifest(tmp_path / GOVUK_NAME / "ministers_index.json").note  # type: ignore[union-attr]
    assert note and "last good snapshot" in note and fetched in note
    assert [s.path for s in replay.log] == [INDEX]  # role pages are not asked while the index lists none
    assert [f.status for f in ctx.report.files] == ["kept"]


def test_reshuffle_mode_with_nothing_to_keep_fails_the_source(replay: ReplayServer, tmp_path: Path) -> None:
    needs(MINISTERS)
    replay.route(INDEX, index_reply("on", '"x"'))
    with pytest.raises(FetchError, match="reshuffle mode .* no earlier snapshot"):
        fetch_govuk(context(replay, tmp_path, GOVUK_NAME))
    assert not (tmp_path / GOVUK_NAME / "ministers_index.json").exists()


def test_role_paths_ignores_past_appointments() -> None:
    doc = {
        "links": {
            "people": [
                {
                    "document_type": "person",
                    "links": {
                        "role_appointments": [
                            {
                                "document_type": "role_appointment",
                                "details": {"current": True},
                                "links": {
                                    "role": [
                                        {"document_type": "ministerial_role", "base_path": "/government/ministers/a"}
                                    ]
                                },
                            },
                            {
                                "document_type": "role_appointment",
                                "details": {"current": False},
                                "links": {
                                    "role": [
                                        {"document_type": "ministerial_role", "base_path": "/government/ministers/b"}
                                    ]
                                },
                            },
                        ]
                    },
                }
            ]
        }
    }
    assert role_paths(doc) == ["/government/ministers/a"]


# --- IfG -----------------------------------------------------------------------------------------------------


class GitHub:
    def __init__(self, replay: ReplayServer, sha: str, tables: list[str]):
        self.replay, self.sha, self.tables = replay, sha, tables

    def serve(self) -> None:
        r = self.replay
        r.route(
            f"/repos/{REPO}/commits/main",
            lambda seen: Reply.json(
                {"sha": self.sha, "commit": {"committer": {"date": "2026-06-19T10:00:00Z"}}}, etag=f'"{self.sha}"'
            ),
        )
        r.route(f"/repos/{REPO}/contents/data", self.listing)
        r.route(f"/{REPO}/*", self.raw)

    def listing(self, seen: Seen) -> Reply:
        assert seen.arg("ref") == self.sha
        entries = [{"name": t, "type": "file"} for t in self.tables] + [{"name": "ifg.sqlite", "type": "file"}]
        return Reply.json(entries)

    def raw(self, seen: Seen) -> Reply:
        _, sha, folder, name = seen.path.rsplit("/", 3)
        assert sha == self.sha and folder == "data"
        source = IFG / ("organisation_link.csv" if name == "organisation_links.csv" else name)
        return Reply.csv(source.read_bytes(), headers={"Content-Type": "text/plain; charset=utf-8"})


def test_ifg_tables_at_the_latest_commit_with_the_commit_recorded(replay: ReplayServer, tmp_path: Path) -> None:
    needs(IFG)
    tables = sorted(p.name for p in IFG.glob("*.csv"))
    hub = GitHub(replay, "a" * 40, tables)
    hub.serve()
    ctx = context(replay, tmp_path, IFG_NAME)
    fetch_ifg(ctx)
    assert ctx.report.ok, ctx.report.errors
    folder = tmp_path / IFG_NAME
    assert sorted(p.name for p in folder.glob("*.csv")) == tables
    assert all((folder / t).read_bytes() == (IFG / t).read_bytes() for t in tables)
    manifest = read_manifest(folder / "appointment.csv")
    assert manifest is not None and manifest.extra["commit"] == "a" * 40
    assert manifest.url.endswith(f"/{REPO}/{'a' * 40}/data/appointment.csv")
    assert manifest.publisher_updated_at == "2026-06-19T10:00:00Z" and manifest.licence.startswith("CC BY 4.0")
    assert read_state(folder)["commit"] == "a" * 40

    replay.clear()
    again = context(replay, tmp_path, IFG_NAME)
    fetch_ifg(again)
    assert [(s.path, s.conditional) for s in replay.log] == [(f"/repos/{REPO}/commits/main", True)]
    assert {f.status for f in again.report.files} == {"unchanged"}


def test_a_renamed_table_is_followed_and_the_old_name_removed_once_complete(
    replay: ReplayServer, tmp_path: Path
) -> None:
    needs(IFG)
    hub = GitHub(replay, "a" * 40, ["organisation_links.csv", "post.csv"])
    hub.serve()
    fetch_ifg(context(replay, tmp_path, IFG_NAME))
    hub.sha, hub.tables = "b" * 40, ["organisation_link.csv", "post.csv"]
    replay.route(f"/{REPO}/{'b' * 40}/data/post.csv", Reply(status=500))
    failing = context(replay, tmp_path, IFG_NAME)
    fetch_ifg(failing)
    assert not failing.report.ok and (tmp_path / IFG_NAME / "organisation_links.csv").exists()  # not yet complete
    assert read_state(tmp_path / IFG_NAME)["commit"] == "a" * 40
    del replay.routes[f"/{REPO}/{'b' * 40}/data/post.csv"]
    fetch_ifg(context(replay, tmp_path, IFG_NAME))
    assert sorted(p.name for p in (tmp_path / IFG_NAME).glob("*.csv")) == ["organisation_link.csv", "post.csv"]
    assert read_state(tmp_path / IFG_NAME)["commit"] == "b" * 40
