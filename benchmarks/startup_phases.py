"""Where start-up time goes: tui-reader and the bare Textual app, phase by phase, up to their first frame.

A diagnostic to go with bench_app.py's first-paint ratio: each app runs in a real terminal (tmux), with timers
wrapped around Textual's phases (stylesheet parse and apply, compose, rendering the first update) and around
our own steps (imports, reading the corpus, opening the marks). The app leaves after its first frame and
appends one line of timings to a file; the script prints the median of each phase over the runs.

    .venv/bin/python benchmarks/startup_phases.py [--runs 10]

Timers cost a little themselves, and the phases nest (apply runs inside compose), so read the columns side by
side, not as a sum. The reader is launched as `cli` does it: cyclic GC off until the first frame.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
PHASES = (
    "imports",
    "corpus + marks",
    "app object",
    "stylesheet parse",
    "stylesheet apply",
    "compose + mount",
    "first render",
    "first frame",
)


def child(which: str, out: str) -> None:
    """Run one app until its first frame; append {phase: ms} as a JSON line to ``out``."""
    import functools
    import gc

    start = time.perf_counter()
    spent: dict[str, float] = defaultdict(float)

    def timed(owner, name: str, phase: str) -> None:
        original = getattr(owner, name)

        if inspect.iscoroutinefunction(original):

            @functools.wraps(original)
            async def wrapper(*args, **kwargs):
                began = time.perf_counter()
                try:
                    return await original(*args, **kwargs)
                finally:
                    spent[phase] += time.perf_counter() - began
        else:

            @functools.wraps(original)
            def wrapper(*args, **kwargs):
                began = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    spent[phase] += time.perf_counter() - began

        setattr(owner, name, wrapper)

    if which == "reader":
        gc.disable()  # as cli does
        began = time.perf_counter()
        from tui_reader.app import ReaderApp
        from tui_reader.cli import build_launch_parser  # noqa: F401  (what the entry point imports)
        from tui_reader.corpus import load_corpus
        from tui_reader.store import MarkStore

        spent["imports"] = time.perf_counter() - began
        began = time.perf_counter()
        corpus = load_corpus()
        store = MarkStore.open(Path(out).with_suffix(".data"))
        spent["corpus + marks"] = time.perf_counter() - began
        began = time.perf_counter()
        app = ReaderApp(corpus.papers, store, corpus.warnings)
        spent["app object"] = time.perf_counter() - began
    else:
        began = time.perf_counter()
        sys.path.insert(0, str(HERE))
        from bare_app import BareApp

        spent["imports"] = time.perf_counter() - began
        began = time.perf_counter()
        app = BareApp()
        spent["app object"] = time.perf_counter() - began

    from textual._compositor import Compositor
    from textual.app import App
    from textual.css.stylesheet import Stylesheet

    timed(Stylesheet, "parse", "stylesheet parse")
    timed(Stylesheet, "apply", "stylesheet apply")
    timed(App, "_on_compose", "compose + mount")
    timed(Compositor, "render_update", "first render")
    display = App._display
    result: dict[str, float] = {}

    def first_display(self, screen, renderable) -> None:
        display(self, screen, renderable)
        if renderable is not None and not result:
            result.update(spent, **{"first frame": time.perf_counter() - start})
            self.call_later(self.exit)

    App._display = first_display
    app.run()
    with open(out, "a", encoding="utf-8") as f:
        f.write(json.dumps({phase: round(seconds * 1000, 2) for phase, seconds in result.items()}) + "\n")


def run(which: str, out: Path) -> None:
    """One launch in a fresh tmux session of 120x40, waited for until it exits."""
    name = f"phases-{os.getpid()}-{time.monotonic_ns()}"
    command = " ".join(
        shlex.quote(word)
        for word in [
            "env",
            "-u",
            "PYTHONDONTWRITEBYTECODE",
            "TERM=xterm-256color",
            sys.executable,
            __file__,
            "--child",
            which,
            str(out),
        ]
    )
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "40", command], check=True)
    deadline = time.monotonic() + 60
    while subprocess.run(["tmux", "has-session", "-t", name], capture_output=True).returncode == 0:
        if time.monotonic() > deadline:
            subprocess.run(["tmux", "kill-session", "-t", name])
            raise TimeoutError(f"{which}: no first frame within 60 s")
        time.sleep(0.02)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="launches of each app (alternated)")
    parser.add_argument("--child", nargs=2, metavar=("APP", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--smoke", action="store_true", help="one launch of each: checks the script still works (make bench-smoke)"
    )
    args = parser.parse_args()
    if args.smoke:
        args.runs = 1
    if args.child:
        child(*args.child)
        return 0
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "tui_reader"), str(HERE)], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        files = {which: Path(tmp) / f"{which}.jsonl" for which in ("bare", "reader")}
        for which in files:  # warm-up, not counted
            run(which, Path(tmp) / "warm-up.jsonl")
        for number in range(args.runs):
            for which in ("bare", "reader") if number % 2 else ("reader", "bare"):
                run(which, files[which])
        medians = {}
        for which, path in files.items():
            rows = [json.loads(line) for line in path.read_text().splitlines()]
            medians[which] = {phase: statistics.median(row.get(phase, 0.0) for row in rows) for phase in PHASES}
    print(f"{'phase (ms, median of ' + str(args.runs) + ')':<34}{'bare':>8}{'reader':>8}{'extra':>8}")
    for phase in PHASES:
        bare, reader = medians["bare"][phase], medians["reader"][phase]
        print(f"{phase:<34}{bare:8.1f}{reader:8.1f}{reader - bare:+8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
