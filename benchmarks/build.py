"""Benchmark the warehouse build on a 10-million-row marketplace file (a script, not a test).

    python benchmarks/build.py [--rows 10000000] [--keep]

Generates the sample with `python -m pipelines sample --rows N` (once; reused while the row
count matches), then in separate processes on the same machine:
  1. a bare `polars.read_csv` of the large marketplace file (the floor),
  2. `python -m pipelines build` of the whole sample folder,
and prints wall times, their ratio, each process's peak RSS and the warehouse size.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "data" / "bench"
BIG_FILE = "digital-marketplace/g-cloud-spend-2015-2026-SAMPLE.csv"

BARE_READ = """
import sys, time, polars as pl
t = time.perf_counter()
df = pl.read_csv(sys.argv[1], infer_schema=False)
print(df.height, time.perf_counter() - t)
"""


def measured(args: list[str]) -> tuple[float, float, str]:
    helper = (
        "import json, resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "w = time.perf_counter() - t\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps({'rc': p.returncode, 'wall': w, 'rss': rss, 'out': p.stdout, 'err': p.stderr[-3000:]}))\n"
    )
    env = {**os.environ, "COLUMNS": "250"}  # keep the build's summary lines unwrapped
    proc = subprocess.run(
        [sys.executable, "-c", helper, *args], cwd=ROOT, capture_output=True, text=True, check=True, env=env
    )
    result = json.loads(proc.stdout)
    if result["rc"] != 0:
        sys.exit(f"command failed: {' '.join(args)}\n{result['err']}")
    return result["wall"], result["rss"], result["out"] + result["err"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=1, help="timed runs of each (the best is reported too)")
    args = parser.parse_args()

    raw = BENCH / f"raw-{args.rows}"
    big = raw / BIG_FILE
    if not big.exists():
        print(f"generating the sample with --rows {args.rows:,} into {raw} ...", flush=True)
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pipelines", "sample", "--out", str(raw), "--rows", str(args.rows)],
            cwd=ROOT,
            check=True,
        )
        print(f"  generated in {time.perf_counter() - t:.1f} s ({big.stat().st_size / 1e9:.2f} GB)")
    out = BENCH / "warehouse-bench.duckdb"

    reads, builds = [], []
    for _ in range(args.repeat):
        reads.append(measured([sys.executable, "-c", BARE_READ, str(big)]))
        builds.append(measured([sys.executable, "-m", "pipelines", "build", "--raw", str(raw), "--out", str(out)]))
    read_wall = min(r[0] for r in reads)
    build_wall = min(b[0] for b in builds)
    rows = int(reads[0][2].split()[0])
    print()
    print(f"marketplace file           : {big.name}, {rows:,} rows, {big.stat().st_size / 1e9:.2f} GB")
    print(f"bare polars.read_csv       : {read_wall:7.1f} s   peak RSS {max(r[1] for r in reads):7.0f} MB")
    print(f"python -m pipelines build  : {build_wall:7.1f} s   peak RSS {max(b[1] for b in builds):7.0f} MB")
    print(f"build / bare read          : {build_wall / read_wall:7.2f} x   (target <= 3.0 x)")
    print(f"warehouse size             : {out.stat().st_size / 1e6:7.0f} MB  ({out})")
    stages = [line for line in builds[-1][2].splitlines() if line.startswith("Stage timings")]
    if stages:
        print(f"build stages (last run)    : {stages[0].removeprefix('Stage timings: ')}")
    print(f"python                     : {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
