"""`make bench`: every benchmark script in this folder (bench_*.py, then startup_phases.py), in name order.

    .venv/bin/python benchmarks/run_all.py            # full sizes (long: the 1M-paper runs take many minutes)
    .venv/bin/python benchmarks/run_all.py --smoke    # `make bench-smoke`: each at a tiny size (--smoke), ~1 min

With --smoke every script runs with its own --smoke (tiny sizes, one run, speed targets not enforced): it checks
that every benchmark still runs against the code as it is now. The exit status is non-zero when any script fails
or overruns its time.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SMOKE_TIMEOUT_S = 120  # one script at its tiny size; the whole smoke run takes about a minute on two cores


def scripts() -> list[Path]:
    return [*sorted(HERE.glob("bench_*.py")), HERE / "startup_phases.py"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="each script at a tiny size (its --smoke)")
    args, rest = parser.parse_known_args()
    extra = ["--smoke", *rest] if args.smoke else rest
    failed: list[str] = []
    began = time.perf_counter()
    for script in scripts():
        print(f"\n=== {script.name} {' '.join(extra)}", flush=True)
        start = time.perf_counter()
        try:
            status = subprocess.call(
                [sys.executable, str(script), *extra], timeout=SMOKE_TIMEOUT_S if args.smoke else None
            )
        except subprocess.TimeoutExpired:
            status = -1
            print(f"=== {script.name}: still running after {SMOKE_TIMEOUT_S} s", flush=True)
        print(f"=== {script.name}: exit {status}, {time.perf_counter() - start:.1f} s", flush=True)
        if status != 0:
            failed.append(script.name)
    print(f"\n{len(scripts()) - len(failed)} of {len(scripts())} benchmarks ran in {time.perf_counter() - began:.0f} s")
    if failed:
        print(f"FAILED: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
