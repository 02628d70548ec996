"""Shared fixtures and helpers. Every test runs with its own XDG data dir, so no test ever touches a user's marks.

Test modules import the plain helpers with `from conftest import ...` (tests/ is on sys.path: pytest's default
"prepend" import mode, in every xdist worker too).
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tui_reader.app import ReaderApp
from tui_reader.config import config_file, load_config
from tui_reader.corpus import Corpus, bundled_seeds, corpus_files, load_corpus
from tui_reader.library import DB_NAME, MarkStore
from tui_reader.paper import Paper
from tui_reader.widgets import PaperList

# a paper from a rich source (arXiv id, authors, dates with a year, a link): the menus, authors and citations
ARXIV_PAPER = Paper(
    id="aa11bb22cc33",
    title="Fast Diffusion of Large Models",
    abstract="We make diffusion fast. Code: https://github.com/ada/fast.",
    dates=("Mar 11, 2024",),
    links=("https://github.com/ada/fast",),
    arxiv_id="2403.01234",
    authors=("Ada Lovelace", "Alan Turing", "Grace Hopper"),
    published="2024-03-08",
)

# a paper whose abstract links http, javascript: and markup-like URLs (only http(s) ones are offered)
LINKED_PAPER = Paper(
    id="dd44ee55ff66",
    title="Only Links Here",
    abstract="See http://example.org/a and javascript:alert(1) and https://example.org/[b]bold[/b].",
    dates=("Mar 12",),
    links=("http://example.org/a", "javascript:alert(1)", "https://example.org/[b]bold[/b]"),
)

# a paper with nothing but a title, an abstract and a listing day
BARE_PAPER = Paper(
    id="0123456789ab", title="Attention & Diffusion: a Survey?", abstract="Nothing to link.", dates=("Mar 12",)
)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
S0, S1, S2, S3, S4 = (  # the five bundled dumps, in the order they are read
    "000_9b4709637f9b7bcc.txt",
    "001_47ac0dee77f373b3.txt",
    "002_c46d2f366f0eb436.txt",
    "003_d1557123c59b6376.txt",
    "004_5e22cd1a29dae73b.txt",
)
SIZE = (120, 40)  # the terminal the reader's Pilot tests run in


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(home / "documents"))  # not made: the export dialog makes it
    for name in ("TMUX", "WAYLAND_DISPLAY", "DISPLAY"):  # no test copies to the user's clipboard or tmux
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def seeds_corpus() -> Corpus:
    """The five bundled Daily Papers dumps, parsed once per test session."""
    assert bundled_seeds().resolve() == SEEDS.resolve()
    return load_corpus([SEEDS])


@pytest.fixture
def time_zone(monkeypatch):
    """``time_zone(name)``: this process's local time zone, until the test ends."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def browser(monkeypatch):
    """What webbrowser.open was given; a graphical browser is there."""
    import webbrowser

    from tui_reader.controllers import reach

    opened: list[str] = []
    monkeypatch.setattr(reach, "graphical_browser_available", lambda: True)
    monkeypatch.setattr(webbrowser, "open", lambda url, new=0: opened.append(url) or True)
    return opened


@pytest.fixture
def clipboard_tool(tmp_path, monkeypatch) -> Path:
    """A fake ``xclip`` on PATH under an X display: the file it saves what it is given to (absent until then)."""
    tools = tmp_path / "clipboard-tools"
    tools.mkdir()
    saved = tmp_path / "clipboard"
    xclip = tools / "xclip"
    xclip.write_text(f"#!/bin/sh\ncat > '{saved}'\n")
    xclip.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("DISPLAY", ":99")
    return saved


@contextlib.contextmanager
def small_tmpfs(mount: Path, size: str) -> Iterator[Path]:
    """A real file system of ``size`` (tmpfs, e.g. "64k") mounted at ``mount`` (made), unmounted after; the test is
    skipped where mounting one is not allowed (it needs root)."""
    mount.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 512 KiB file system (tmpfs), or the test is skipped where mounting one is not allowed."""
    with small_tmpfs(tmp_path / "small-disk", "512k") as mount:
        yield mount


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh marks directory for one test."""
    path = tmp_path / "marks"
    path.mkdir()
    return path


@pytest.fixture
def fresh_store(data_dir: Path) -> Path:
    """A marks file holding one mark (paper "old" read): what the lock and killed-process tests start from."""
    with MarkStore.open(data_dir) as store:
        store.set_read("old", True)
    return data_dir


# ---------------------------------------------------------------------------------------------------------
# Hand-made dumps


HEADER = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\n"


def page(date: str, *paragraphs: str, header: str = HEADER) -> str:
    return header + date + "\n\n" + "\n\n".join(paragraphs) + "\n"


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, str):
        text = text.encode()
    path.write_bytes(text)
    return path


# ---------------------------------------------------------------------------------------------------------
# Marks files: damaged, or in a directory this process cannot write to


def asides(data_dir: Path) -> list[Path]:
    """Damaged marks files moved aside (not their -wal/-shm companions)."""
    return sorted(
        p
        for p in data_dir.iterdir()
        if p.name.startswith(f"{DB_NAME}.corrupt-") and not p.name.endswith(("-wal", "-shm", "-journal"))
    )


def random_bytes(path: Path) -> None:
    """A marks file that is no SQLite file at all."""
    path.write_bytes(random.Random(7).randbytes(8192))


@pytest.fixture
def unwritable_dir(tmp_path):
    """A data dir holding one starred mark, which this process truly cannot write to."""
    path = tmp_path / "readonly"
    with MarkStore.open(path) as store:
        store.set_starred("kept", True)
    if os.geteuid() != 0:
        path.chmod(0o555)
        undo = ["chmod", "755", str(path)]
    elif not shutil.which("chattr"):
        pytest.skip(
            "running as root and chattr (e2fsprogs) is not installed, so no directory is unwritable; "
            "test_store_guarantees.py covers this case by dropping root's capabilities instead"
        )
    elif (made := subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)).returncode == 0:
        undo = ["chattr", "-i", str(path)]
    else:
        pytest.skip(
            f"running as root and 'chattr +i' fails on {path} ({made.stderr.strip() or made.returncode}; not every "
            "filesystem supports it); test_store_guarantees.py covers this case by dropping root's capabilities"
        )
    try:
        try:
            (path / "probe").touch()
        except OSError:
            pass
        else:
            made_by = "chmod 555" if undo[0] == "chmod" else "chattr +i"
            pytest.skip(f"{path} is still writable after {made_by}; this filesystem ignores it")
        yield path
    finally:
        subprocess.run(undo, check=True)


# ---------------------------------------------------------------------------------------------------------
# The search index cache


@pytest.fixture
def files():
    """The files of the bundled corpus."""
    return corpus_files()


@pytest.fixture
def count_builds(monkeypatch):
    """How many times an index was built from the papers (not taken from the cache)."""
    from tui_reader.search import index as index_module

    built = []
    real = index_module.build

    def counting(*fields, **options):
        built.append(len(fields[0]))
        return real(*fields, **options)

    monkeypatch.setattr(index_module, "build", counting)
    return built


# ---------------------------------------------------------------------------------------------------------
# The reader, driven by Pilot


@pytest.fixture
def papers(seeds_corpus):
    return seeds_corpus.papers


@pytest.fixture
def store(data_dir):
    store = MarkStore.open(data_dir)
    yield store
    store.close()


@pytest.fixture
def reader_app(papers, store):
    return ReaderApp(papers, store)


async def settle(app, pilot) -> None:
    """Wait until indexing/search workers finished, marks are saved, and the results are on screen."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await app.marks_saved()
        await pilot.pause()


def status(app) -> str:
    return str(app.query_one("#status").render())


def shown_titles(app) -> list[str]:
    plist = app.query_one(PaperList)
    return [app.reader.papers[i].title for i in plist.rows]


async def type_query(app, pilot, text: str) -> None:
    await pilot.press("slash")
    await pilot.press(*text)
    await settle(app, pilot)


@dataclass(frozen=True)
class Shown:
    """One notification as the user sees it: a Toast on screen, read off the screen, not Textual's internals."""

    message: str
    title: str
    severity: str  # the toast's look: information, warning or error


def notifications(app) -> list[Shown]:
    """The notifications on screen. Textual only shows toasts under `run_test(notifications=True)`. A toast shows
    its title, a line break, then its message; the reader's messages and titles are one line each (App.say)."""
    shown = []
    for toast in app.screen.query("Toast"):
        title, _, message = str(toast.render()).rpartition("\n")
        severity = next(s for s in ("information", "warning", "error") if toast.has_class(f"-{s}"))
        shown.append(Shown(message, title, severity))
    return shown


# ---------------------------------------------------------------------------------------------------------
# The Daily Papers API, served from 127.0.0.1 (tests/support/fetch_server.py): fetch tests never touch the internet


@pytest.fixture
def api():
    from support.fetch_server import serve

    api, server = serve()
    yield api
    api.stopped.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def arxiv(monkeypatch):
    """arXiv's feeds and API, served from 127.0.0.1 with the real files (tests/support/arxiv_server.py); the
    3-second pacing between requests is passed on a fake clock (``arxiv.paced``: the waits), never slept."""
    from support.arxiv_server import serve

    from tui_reader import fetch_arxiv

    arxiv, server = serve()
    arxiv.serve_real()
    clock = [1000.0]
    pacer = fetch_arxiv.Pacer(clock=lambda: clock[0], sleep=lambda seconds: clock.__setitem__(0, clock[0] + seconds))
    monkeypatch.setattr(fetch_arxiv, "PACER", pacer)
    arxiv.pacer = pacer
    yield arxiv
    server.shutdown()
    server.server_close()


@pytest.fixture
def waits(monkeypatch):
    """The waits between tries, recorded instead of slept."""
    from tui_reader import fetch

    recorded: list[float] = []
    monkeypatch.setattr(fetch, "sleep", recorded.append)
    return recorded


@pytest.fixture
def config_toml():
    """Write the user's config.toml (in the test's own XDG config home)."""

    def write(text: str):
        path = config_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    return write


def app_as_launched(papers, store) -> ReaderApp:
    """The reader as `tui-reader` opens it: config.toml's own warnings shown with the others (cli/launch.py)."""
    config = load_config()
    return ReaderApp(papers, store, config.warnings, config=config)


async def wait_until(pilot, condition, what: str, timeout: float = 5.0) -> None:
    """Let the app run (pilot pauses) until ``condition()`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause()


def detail_shown(app) -> str:
    """The detail pane's text as the screen shows it."""
    return str(app.query_one("#detail-body").render())


def detail_content(app):
    """The detail pane's text as given to its body (a rich Text: plain text and styled spans)."""
    return app.query_one("#detail-body").content


def messages(app) -> list[str]:
    """The notifications' messages on screen (see ``notifications``)."""
    return [shown.message for shown in notifications(app)]


def row_in_view(plist, row: int) -> str:
    """What the list shows on ``row`` (which must be scrolled into view)."""
    y = row - plist.scroll_offset.y
    assert 0 <= y < plist.scrollable_content_region.height, "row not in view"
    return plist.render_line(y).text
