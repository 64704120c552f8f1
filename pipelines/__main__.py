"""Command line: `python -m pipelines sample|fetch|build|check|dictionary`. Wiring only."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from pipelines import config

console = Console(stderr=True)


def cmd_sample(args: argparse.Namespace) -> int:
    from pipelines.warehouse.sample import write_all

    out = Path(args.out)
    with console.status(f"Writing sample files to {out} ..."):
        files = write_all(out, seed=args.seed, rows=args.rows)
    total = sum(f.stat().st_size for f in files)
    console.print(
        f"[green]Wrote {len(files)} sample files ({total / 1e6:,.1f} MB) to {out}[/green] (SAMPLE data, not real figures)"
    )
    return 0


def _summary(report) -> Table:
    table = Table(title="Files", show_lines=False)
    counts = ("read", "loaded", "rejected", "superseded")
    for col in ("file", "format", *counts, "status"):
        table.add_column(col, justify="right" if col in counts else "left")
    for f in report.files:
        style = {
            "unreadable": "red",
            "duplicate": "yellow",
            "empty": "yellow",
            "unrecognised": "dim",
            "ignored": "dim",
        }.get(f.status, "")
        table.add_row(
            Text(f.path.name),  # Text, not a str: a file name or message is never read as rich markup
            Text(f.format or "-"),
            f"{f.rows_read:,}",
            f"{f.rows_loaded:,}",
            f"{f.rows_rejected:,}",
            f"{f.rows_superseded:,}",
            Text(f.status if not f.message else f"{f.status}: {f.message}"),
            style=style,
        )
    return table


def _rates(report) -> Table:
    table = Table(title="Marketplace buyer match rates")
    for col in ("sector", "names", "resolved", "% names", "spend £m", "% spend"):
        table.add_column(col, justify="left" if col == "sector" else "right")
    for r in report.match_rates.iter_rows(named=True):
        table.add_row(
            r["sector"],
            f"{r['names']:,}",
            f"{r['resolved']:,}",
            f"{r['names_pct']:.1f}",
            f"{r['spend'] / 1e6:,.2f}",
            "-" if r["spend_pct"] is None else f"{r['spend_pct']:.1f}",
        )
    return table


def _say_output_event(event: str, detail: dict) -> None:
    if event == "waiting":
        say(f"Another build is writing {detail['path']} ({detail['holder']}): waiting for it to finish ...")
    elif event == "swept":
        leftovers = detail["leftovers"]
        size = sum(x.size_bytes for x in leftovers) / 1e6
        say(f"Removed {len(leftovers)} leftover(s) of killed builds ({size:,.1f} MB):")
        for x in leftovers:
            say(f"  {x.path}")


def _on_event(progress: Progress, state: dict):
    def on_event(event: str, detail: dict) -> None:
        if event in ("waiting", "swept"):
            _say_output_event(event, detail)
        elif event == "start":
            kind = "SAMPLE data" if detail["is_sample"] else "published files"
            say(f"Building from {detail['raw_dir']} ({detail['files']} files, {kind})")
            state["task"] = progress.add_task("reading files", total=detail["files"])
        elif event == "file":
            progress.update(state["task"], description=f"reading {escape(Path(detail['path']).name)}")
            if not console.is_terminal:
                say(f"  reading {detail['path'].name} ({detail['index']}/{detail['total']})")
        elif event == "file_done":
            progress.advance(state["task"])
        elif event == "model":
            progress.update(state["task"], description="files read")
            say("Resolving buyers and building tables ...")
        elif event == "write":
            say(f"Writing and checking a new warehouse beside {detail['path']} ...")

    return on_event


def say(text: str, style: str | None = None) -> None:
    """One line of plain text (paths and messages are never read as rich markup, and never wrapped)."""
    console.print(text, style=style, markup=False, highlight=False, soft_wrap=True)


def cmd_build(args: argparse.Namespace) -> int:
    out = Path(args.out) if args.out else config.WAREHOUSE_PATH
    if args.if_missing and os.path.lexists(out):  # the usual case for scripts/run: say so without loading the build
        say(f"{out} exists: left as it is (python -m pipelines build rebuilds it)")
        return 0

    from pipelines.warehouse.build import BuildError, WarehouseExistsError, build

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    )
    try:
        with progress:
            report = build(
                Path(args.raw) if args.raw else None,
                out,
                keep_going=args.keep_going,
                progress=_on_event(progress, {}),
                wait=args.wait,
                if_missing=args.if_missing,
            )
    except WarehouseExistsError as exc:
        say(str(exc))
        return 0
    except BuildError as exc:
        lines = str(exc).split("\n")
        say("Build stopped: " + lines[0], style="red")
        for line in lines[1:]:
            say(line)
        return 1
    console.print(_summary(report))
    console.print("Stage timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in report.timings.items()))
    console.print(_rates(report))
    say(
        f"Warehouse written to {report.warehouse} in {report.seconds:.1f} s" + (" (SAMPLE data)" if report.is_sample else ""),
        style="green",
    )
    if report.unreadable:
        say(f"{len(report.unreadable)} file(s) skipped as unreadable (--keep-going); see build_files.", style="yellow")
        return 2
    return 0


def _fetch_summary(reports) -> Table:
    table = Table(title="Fetched")
    for col in ("source", "result", "new", "changed", "unchanged", "kept", "requests"):
        table.add_column(col, justify="left" if col in ("source", "result") else "right")
    for r in reports:
        result = "ok" if r.ok else f"FAILED ({len(r.errors)})"
        counts = [str(r.count(s)) for s in ("new", "changed", "unchanged", "kept")]
        table.add_row(r.source, result, *counts, str(r.requests), style="" if r.ok else "red")
    return table


def _since(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from None


def cmd_fetch(args: argparse.Namespace) -> int:
    from pipelines.fetch import run

    raw = Path(args.raw) if args.raw else config.RAW_DIR
    since = args.since
    progress = Progress(
        TextColumn("{task.fields[source]:<20}"),
        BarColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    )
    tasks: dict[str, object] = {}

    def on_source(name: str) -> None:
        if tasks:
            last = list(tasks.values())[-1]
            progress.update(last, total=1, completed=1)  # type: ignore[arg-type]
        tasks[name] = progress.add_task("starting", total=None, source=name)
        if not console.is_terminal:
            say(f"fetching {name} ...")

    def on_progress(name: str, text: str) -> None:
        progress.update(tasks[name], description=escape(text))  # type: ignore[arg-type]

    say(f"Fetching into {raw} (files exactly as published, each with a manifest)")
    with progress:
        reports = run(raw, only=args.only, since=since, on_source=on_source, progress=on_progress)
        for task in tasks.values():
            progress.update(task, total=1, completed=1)  # type: ignore[arg-type]
    console.print(_fetch_summary(reports))
    for r in reports:
        for warning in r.warnings:
            say(f"{r.source}: warning: {warning}", style="yellow")
        for error in r.errors:
            say(f"{r.source}: {error}", style="red")
    failed = [r.source for r in reports if not r.ok]
    if failed:
        say(f"{len(failed)} source(s) failed: {', '.join(failed)}; what they fetched before is kept", style="red")
        return 1
    say(f"Every source fetched into {raw}: python -m pipelines build turns it into a warehouse", style="green")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    import duckdb

    from pipelines.warehouse.validate import validate

    path = Path(args.warehouse or config.WAREHOUSE_PATH)
    if not path.exists():
        console.print(f"[red]{path} does not exist[/red]")
        return 1
    con = duckdb.connect(str(path), read_only=True)
    try:
        problems = validate(con)
    finally:
        con.close()
    for p in problems:
        console.print(f"[red]- {p}[/red]")
    console.print(
        "[green]the warehouse holds to its schema[/green]" if not problems else f"[red]{len(problems)} problem(s)[/red]"
    )
    return 1 if problems else 0


def cmd_dictionary(args: argparse.Namespace) -> int:
    from pipelines.warehouse.dictionary import render

    path = Path(args.out)
    text = render()
    if args.check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            console.print(f"[red]{path} is out of date[/red]: run python -m pipelines dictionary")
            return 1
        console.print(f"[green]{path} is current[/green]")
        return 0
    path.write_text(text, encoding="utf-8")
    console.print(f"[green]Wrote {path}[/green]")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("sample", help="write deterministic SAMPLE raw files in every publisher format")
    p.add_argument("--out", default=str(config.SAMPLE_DIR), help="folder to write (default data/sample)")
    p.add_argument("--rows", type=int, default=None, help="rows in the large marketplace file (e.g. 10000000)")
    p.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same bytes)")
    p.set_defaults(func=cmd_sample)

    from pipelines.fetch import SOURCES

    p = sub.add_parser("fetch", help="download the current published files from every publisher into the raw folder")
    p.add_argument(
        "--only", nargs="+", choices=list(SOURCES), metavar="SOURCE", help=f"only these: {', '.join(SOURCES)}"
    )
    p.add_argument(
        "--since", default=None, type=_since, help="notices published or updated since DATE (YYYY-MM-DD[THH:MM])"
    )
    p.add_argument("--raw", default=None, help=f"raw folder to fetch into (default {config.RAW_DIR})")
    p.set_defaults(func=cmd_fetch)

    p = sub.add_parser("build", help="read raw files, validate, and write the warehouse atomically")
    p.add_argument("--raw", default=None, help="raw folder (default data/raw, or the sample when that is empty)")
    p.add_argument("--out", default=None, help=f"warehouse path (default {config.WAREHOUSE_PATH})")
    p.add_argument(
        "--keep-going",
        action="store_true",
        help="skip files that cannot be read (recorded in build_files, exit code 2) instead of stopping",
    )
    p.add_argument(
        "--wait",
        action="store_true",
        help="when another build is writing the same --out, wait for it to finish instead of stopping (exit 1)",
    )
    p.add_argument(
        "--if-missing",
        action="store_true",
        help="build only if nothing is at --out yet, and never replace what is put there meanwhile (scripts/run)",
    )
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("check", help="check an existing warehouse against its schema")
    p.add_argument("--warehouse", default=None)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("dictionary", help="write the data dictionary from the schema's column descriptions")
    p.add_argument("--out", default=str(config.DATA_DICTIONARY_PATH), help="file to write (default DATA_DICTIONARY.md)")
    p.add_argument("--check", action="store_true", help="exit 1 when the file differs from the schema, write nothing")
    p.set_defaults(func=cmd_dictionary)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
