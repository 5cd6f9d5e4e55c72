"""Run every benchmark, print the figures, write them to one JSON file.

Each benchmark module is run in its own process (so memory figures are its own) and writes
its figures to a JSON file; this merges them. A failing benchmark is reported and makes the
run exit non-zero, but the others still run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODULES = (
    "bench.ingest_bench",
    "bench.imap_bench",
    "bench.catchup_bench",
    "bench.watcher_bench",
    "bench.redact_bench",
    "bench.rules_bench",
    "bench.gmail_bench",
    "bench.graph_bench",
    "bench.storage_bench",
    "bench.pop3_bench",
    "bench.fanout_bench",
    "bench.store_cost_bench",
    "bench.push_cost_bench",
    "bench.console_bench",
)


def settle(limit_s: float = 120.0) -> None:
    """Wait (bounded) until the previous benchmark's servers have gone: after the 10,000
    session run, Dovecot's processes take a minute or two to exit, and a benchmark started
    meanwhile measures their exit too (the load average was 365 at the catch-up's start).
    Only a load far above the cores is waited out: a machine merely busy is not."""
    cores = os.cpu_count() or 1
    deadline = time.monotonic() + limit_s
    while os.getloadavg()[0] > 4 * cores and time.monotonic() < deadline:
        time.sleep(5)
    load = os.getloadavg()[0]
    if load > 4 * cores:
        print(f"   (load average still {load:.1f} on {cores} cores)", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("build/bench.json"))
    parser.add_argument("--only", action="append", help="run only these modules")
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the figures already in --out, replacing those this run measures again",
    )
    args = parser.parse_args()
    figures: dict[str, object] = {}
    if args.merge and args.out.exists():
        figures.update(json.loads(args.out.read_text()))
    failed: list[str] = []
    for module in args.only or MODULES:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "figures.json"
            settle()
            print(f"== {module}", flush=True)
            proc = subprocess.run([sys.executable, "-m", module, "--out", str(out)], check=False)
            if proc.returncode != 0 or not out.exists():
                failed.append(module)
                continue
            figures.update(json.loads(out.read_text()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    width = max((len(k) for k in figures), default=10)
    for name, fig in sorted(figures.items()):
        if not isinstance(fig, dict):
            raise TypeError(f"{name}: a figure is a JSON object")
        print(f"{name.ljust(width)}  {fig['value']:>12} {fig['unit']:<8} {fig['note']}")
    print(f"wrote {args.out}")
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
