"""Where start-up time goes: tui-reader and the bare Textual app, phase by phase, up to their first frame.

A diagnostic to go with bench_app.py's first-paint ratio: each app runs in a real terminal (tmux); the reader is
launched as `tui-reader` launches it (`tui_reader.cli.main`, on the seeds), with timers wrapped around its steps
(the parser, config, reading the corpus, opening the marks, the app object, its settings, the list's rows) and
around Textual's phases (stylesheet parse and apply, compose, rendering the first update). The app leaves after its
first frame and appends one line of timings to a file; the script prints the median of each phase over the runs,
and the CPU time of the whole process up to the first frame (every thread: a worker started before the first
frame competes with it).

    .venv/bin/python benchmarks/startup_phases.py [--runs 10] [--against /path/to/other/checkout]

Timers cost a little themselves, and the phases nest (apply runs inside compose), so read the columns side by
side, not as a sum. A step the code no longer has (renamed or moved) shows as "-": its timer finds nothing to wrap.
"""

from __future__ import annotations

import argparse
import functools
import importlib
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
TMUX = ["tmux", "-L", f"bench-phases-{os.getpid()}", "-f", "/dev/null"]  # a tmux server of its own, no user config

# (phase, places to find the callable: "module:attribute[.attribute]"); the first that exists is wrapped.
# The reader's steps are looked up where the launch calls them, so a step moved to another module needs a new place.
READER_STEPS = (
    ("imports: tui_reader.cli", ()),
    ("imports: tui_reader.app", ()),
    ("command line", ("tui_reader.cli.launch:quick_launch_args", "tui_reader.cli.parser:build_launch_parser")),
    ("config.toml", ("tui_reader.cli:load_config", "tui_reader.cli.launch:load_config")),
    ("corpus (seeds)", ("tui_reader.cli:load_corpus", "tui_reader.cli.launch:load_corpus")),
    ("marks: open (every thread)", ("tui_reader.library:MarkStore.open",)),
    ("app object", ("tui_reader.app:ReaderApp.__init__",)),
    ("settings + keymap", ("tui_reader.app:ReaderApp._apply_settings",)),
    ("saved views", ("tui_reader.state:SavedViews.load", "tui_reader.views:SavedViews.load")),
    ("list rows rendered", ("tui_reader.widgets:PaperList.render_lines",)),
)
TEXTUAL_PHASES = (
    ("stylesheet parse", "textual.css.stylesheet:Stylesheet.parse"),
    ("stylesheet apply", "textual.css.stylesheet:Stylesheet.apply"),
    ("compose + mount", "textual.app:App._on_compose"),
    ("first render", "textual._compositor:Compositor.render_update"),
)
TOTALS = ("first frame", "CPU to first frame")
PHASES = (*(name for name, _ in READER_STEPS), *(name for name, _ in TEXTUAL_PHASES), *TOTALS)


def _find(place: str) -> tuple[object, str] | None:
    """(owner, attribute name) for "module:Class.attr", or None when it does not exist."""
    module_name, _, path = place.partition(":")
    try:
        owner: object = importlib.import_module(module_name)
    except ImportError:
        return None
    *parents, name = path.split(".")
    for parent in parents:
        owner = getattr(owner, parent, None)
        if owner is None:
            return None
    return (owner, name) if hasattr(owner, name) else None


def child(which: str, out: str) -> None:
    """Run one app until its first frame; append {phase: ms} as a JSON line to ``out``."""
    start, cpu_start = time.perf_counter(), time.process_time()
    spent: dict[str, float] = defaultdict(float)

    def timed(place: str, phase: str) -> None:
        found = _find(place)
        if found is None:
            return
        owner, name = found
        original = inspect.getattr_static(owner, name)
        method = original.__func__ if isinstance(original, (classmethod, staticmethod)) else original
        if inspect.iscoroutinefunction(method):

            @functools.wraps(method)
            async def wrapper(*args, **kwargs):
                began = time.perf_counter()
                try:
                    return await method(*args, **kwargs)
                finally:
                    spent[phase] += time.perf_counter() - began
        else:

            @functools.wraps(method)
            def wrapper(*args, **kwargs):
                began = time.perf_counter()
                try:
                    return method(*args, **kwargs)
                finally:
                    spent[phase] += time.perf_counter() - began

        setattr(owner, name, type(original)(wrapper) if isinstance(original, (classmethod, staticmethod)) else wrapper)

    if which == "reader":
        for module in ("tui_reader.cli", "tui_reader.app"):  # the launch imports both before its first frame
            began = time.perf_counter()
            importlib.import_module(module)
            spent[f"imports: {module}"] = time.perf_counter() - began
        for phase, places in READER_STEPS:
            for place in places:
                if _find(place) is not None:
                    timed(place, phase)
                    break
    for phase, place in TEXTUAL_PHASES:
        timed(place, phase)

    from textual.app import App

    display = App._display
    result: dict[str, float] = {}

    def first_display(self, screen, renderable) -> None:
        display(self, screen, renderable)
        if renderable is not None and not result:
            result.update(spent)
            result["first frame"] = time.perf_counter() - start
            result["CPU to first frame"] = time.process_time() - cpu_start
            self.call_later(self.exit)

    App._display = first_display
    if which == "reader":
        from tui_reader.cli import main

        main(["--data-dir", str(Path(out).with_suffix(".data"))])
    else:
        sys.path.insert(0, str(HERE))
        from bare_app import BareApp

        BareApp().run()
    with open(out, "a", encoding="utf-8") as f:
        f.write(json.dumps({phase: round(seconds * 1000, 2) for phase, seconds in result.items()}) + "\n")


def run(which: str, out: Path, checkout: Path, tmp: Path, label: str) -> None:
    """One launch in a fresh tmux session of 120x40, waited for until it exits."""
    name = f"phases-{os.getpid()}-{time.monotonic_ns()}"
    env = {
        "PYTHONPATH": str(checkout),
        "XDG_CONFIG_HOME": str(tmp / "config"),  # no user settings
        "XDG_CACHE_HOME": str(tmp / f"cache-{label}"),  # each checkout its own parse cache, warmed by its warm-up
    }
    python = checkout / ".venv" / "bin" / "python"
    words = ["env", "-u", "PYTHONDONTWRITEBYTECODE", "TERM=xterm-256color", *(f"{k}={v}" for k, v in env.items())]
    words += [str(python if python.exists() else Path(sys.executable).absolute()), __file__, "--child", which, str(out)]
    command = " ".join(shlex.quote(word) for word in words)
    subprocess.run([*TMUX, "new-session", "-d", "-s", name, "-x", "120", "-y", "40", command], check=True)
    deadline = time.monotonic() + 60
    while subprocess.run([*TMUX, "has-session", "-t", name], capture_output=True).returncode == 0:
        if time.monotonic() > deadline:
            subprocess.run([*TMUX, "kill-session", "-t", name])
            raise TimeoutError(f"{which}: no first frame within 60 s")
        time.sleep(0.02)
    if not out.exists():
        raise RuntimeError(f"{which} ({checkout}): no timings written (did the app fail to start?)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="launches of each app (the order rotates)")
    parser.add_argument("--against", type=Path, metavar="CHECKOUT", help="another checkout's reader, in the same runs")
    parser.add_argument("--child", nargs=2, metavar=("APP", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--smoke", action="store_true", help="one launch of each: checks the script still works")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    if args.smoke:
        args.runs = 1
    apps = {"bare": ("bare", HERE.parent), "reader": ("reader", HERE.parent)}
    if args.against is not None:
        apps["against"] = ("reader", args.against.resolve())
    for checkout in {checkout for _, checkout in apps.values()}:  # bytecode, as an installed package has
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(checkout / "tui_reader"), str(HERE)], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        files = {label: Path(tmp) / f"{label}.jsonl" for label in apps}
        for label, (which, checkout) in apps.items():  # warm-up, not counted
            run(which, Path(tmp) / f"{label}.warm-up.jsonl", checkout, Path(tmp), label)
        labels = list(apps)
        for number in range(args.runs):
            shift = number % len(labels)
            for label in labels[shift:] + labels[:shift]:
                which, checkout = apps[label]
                run(which, files[label], checkout, Path(tmp), label)
        medians = {}
        for label, path in files.items():
            rows = [json.loads(line) for line in path.read_text().splitlines()]
            medians[label] = {
                phase: statistics.median(row[phase] for row in rows) if phase in rows[0] else None for phase in PHASES
            }

    def cell(value: float | None) -> str:
        return f"{value:9.1f}" if value is not None else f"{'-':>9}"

    head = f"{'phase (ms, median of ' + str(args.runs) + ')':<34}" + "".join(f"{label:>9}" for label in apps)
    print(head + f"{'extra':>9}" + (f"{'vs other':>9}" if "against" in apps else ""))
    for phase in PHASES:
        values = [medians[label][phase] for label in apps]
        extra = values[1] - (values[0] or 0.0) if values[1] is not None else None
        line = f"{phase:<34}" + "".join(cell(value) for value in values) + cell(extra)
        if "against" in apps:
            line += cell(values[1] - values[2] if None not in (values[1], values[2]) else None)
        print(line)
    bare_cpu = medians["bare"]["CPU to first frame"]
    for label in labels[1:]:
        cpu = medians[label]["CPU to first frame"]
        if bare_cpu and cpu:
            print(f"CPU to first frame, {label} / bare: {cpu / bare_cpu:.2f}x (medians)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
