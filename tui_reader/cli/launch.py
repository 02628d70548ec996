"""``tui-reader [PATH ...]``: launching the reader, and when a corpus is big (read after the first paint, its
search index kept on disk between launches)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Protocol

from tui_reader.cli.common import NoPapers, report_no_papers, warn
from tui_reader.config import default_corpus, demo_hidden_notice, listings_dir, load_config
from tui_reader.corpus import bundled_seeds, corpus_files, load_corpus
from tui_reader.library import MarkStore, default_data_dir
from tui_reader.paper import Paper

STREAM_ABOVE_BYTES = 4_000_000  # smaller corpora (the seeds are 0.4 MB) are read before the first paint, and
# their index is built in a few milliseconds, so it is not cached


class LaunchArgs(Protocol):
    """What the reader's command line gives (argparse's Namespace, or ``quick_launch_args``'s)."""

    paths: list[Path]
    data_dir: Path | None
    demo: bool


def quick_launch_args(argv: Sequence[str]) -> LaunchArgs | None:
    """The reader's command line read without argparse (loading it costs the first frame ~2 ms) when it is one
    of the forms people type: ``[--data-dir DIR] [PATH ...]`` or ``[PATH ...] [--data-dir DIR]``, no word starting
    with ``-`` but the one option. None for anything else (help, --version, an error, ``--data-dir=DIR``...): the
    parser reads that. Both give the same arguments (tests/unit/cli/test_launch.py checks it on random lines)."""
    words, data_dir = list(argv), None
    for at in (0, len(words) - 2):
        if len(words) >= 2 and words[at] == "--data-dir" and not words[at + 1].startswith("-"):
            data_dir = Path(words[at + 1])
            del words[at : at + 2]
            break
    if any(word.startswith("-") for word in words):
        return None
    return SimpleNamespace(paths=[Path(word) for word in words], data_dir=data_dir, demo=False)


def cmd_launch(args: LaunchArgs) -> int:
    """Open the reader. A small corpus is read first, so the first frame already lists it; a big one is read
    after the first paint, the list growing as files arrive. Warnings become notifications in the app. (``main``
    has turned garbage collection off until the first frame.)"""
    from tui_reader.app import ReaderApp  # Textual is imported only when the reader runs

    config = load_config()  # the reader's settings (theme, view, start, keymap) apply whatever PATHs are given
    config_warnings = list(config.warnings)
    given = bool(args.paths)
    data_dir = args.data_dir or default_data_dir()
    args.paths = list(args.paths) or default_corpus(data_dir, config, args.demo)
    files = corpus_files(args.paths)  # a missing path fails here, before the screen is taken over
    if not files:
        raise NoPapers(f"no papers found in {', '.join(map(str, args.paths))} (no *.txt or *.json files)")
    # folders the reader watches for new or changed files: every folder of the corpus, and where fetch stores
    watched = [path for path in args.paths if path.is_dir() and path != bundled_seeds()]
    notices = []
    if not given:
        if (listings := listings_dir(data_dir)) not in watched:
            watched.append(listings)
        if (arxiv := listings / "arxiv") not in watched:  # what fetch --arxiv and add store, from another shell too
            watched.append(arxiv)
        if notice := demo_hidden_notice(data_dir, config, args.demo):
            notices.append(notice)
    papers: Sequence[Paper] = []
    warnings: list[str] = list(config_warnings)
    if not is_big(files):
        corpus = load_corpus(files)
        if not corpus.papers:
            report_no_papers(corpus.warnings, args.paths)
        papers, warnings, files = corpus.papers, warnings + corpus.warnings, []
    # Only read here (never waits for a lock): the reader's saver thread opens the file for writing.
    store = MarkStore.open(args.data_dir, writable=False)
    try:
        app = ReaderApp(papers, store, warnings, files=files, watch=watched, config=config, notices=notices)
        outcome = app.run() or app.outcome  # what the reader hands back: marks not saved, no papers at all
    finally:
        store.close()
    from tui_reader.saving import unsaved_message

    if outcome.unsaved:
        warn(unsaved_message(outcome.unsaved, store.data_dir, outcome.failed))
    if outcome.no_papers:
        report_no_papers(outcome.load_warnings, args.paths)
    return app.return_code or 0


STREAM_ABOVE_FILES = 100  # each file costs its own stat, open and read whatever its size (~0.1-0.2 ms with its
# parse): a folder of thousands of small dumps is big however few bytes it holds


def is_big(files: Sequence[Path]) -> bool:
    """Big enough to read after the first paint, and to keep its index on disk between launches: more than
    STREAM_ABOVE_BYTES, or more than STREAM_ABOVE_FILES files."""
    return len(files) > STREAM_ABOVE_FILES or sum(_size(path) for path in files) > STREAM_ABOVE_BYTES


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
