"""Untrusted text: whatever a corpus, a file name, a link or a query holds is shown literally.

Never read as Textual markup ("[/]" crashed the app, "[@click=app.quit]" attached an action) and never able
to reach the terminal as an escape sequence (an OSC in a file name set the window title, wrote the clipboard).
The app is driven with Pilot (notifications on, so the toasts are real widgets); the CLI runs as a process.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import webbrowser
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events
from textual.binding import Binding
from textual.geometry import Region

from tui_reader.app import ReaderApp
from tui_reader.commands import Command, Section
from tui_reader.controllers import reach as reach_module
from tui_reader.corpus import Paper, load_corpus, parse_text
from tui_reader.library import MarkStore
from tui_reader.safe_text import shown_path, strip_controls
from tui_reader.screens.help import HelpScreen
from tui_reader.widgets import PaperList, SearchBox

SIZE = (120, 40)
OSC_TITLE = "\x1b]2;X\x07"  # sets the terminal's window title to X
OSC_CLIPBOARD = "\x1b]52;c;SGk=\x07"  # writes "Hi" to the clipboard
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what must never reach the terminal from the data
PAGE = "Mar 11\n\n{title}\n\nAn abstract long enough to be one, about diffusion models and their uses.\n"


@pytest.fixture
def store(data_dir):
    store = MarkStore.open(data_dir)
    yield store
    store.close()


async def settle(app, pilot) -> None:
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def status(app) -> str:
    return str(app.query_one("#status").render())


def detail(app) -> str:
    return str(app.query_one("#detail-body").render())


def toasts(app) -> list[str]:
    """What each notification on screen shows: its title, a line break, its message."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]


def lines(widget) -> str:
    """The widget's rendered lines, as text."""
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, *widget.size)))


def one_line(text: str) -> str:
    return re.sub(r"[\t\n\r]", " ", strip_controls(text))


def make_file(folder: Path, name: str | bytes, data: bytes) -> Path:
    """A file under a name the test chooses (bytes: not necessarily UTF-8). A name cannot hold "/", but a path
    can: "x[/]y.txt" is the file "]y.txt" in the folder "x[", made here as needed."""
    path = os.path.join(os.fsencode(folder), os.fsencode(name))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(data)
    return Path(os.fsdecode(path))


def page_file(folder: Path, name: str | bytes, title: str = "A paper read from a file") -> Path:
    """A dump file holding one paper."""
    return make_file(folder, name, PAGE.format(title=title).encode())


# --- queries ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["is:a[/b]", "is:x[/]", "is:[bold]loud", "is:[@click=app.quit]q[/]"])
async def test_a_query_holding_markup_is_shown_literally_in_the_status_line(store, seeds_corpus, query):
    app = ReaderApp(seeds_corpus.papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        app.query_one(SearchBox).post_message(events.Paste(query))  # pasted: a typed "/" would mean "search"
        await settle(app, pilot)
        assert app.is_running
        assert app.query_one(SearchBox).value == query
        assert f"unknown filter {query} (use is:read" in status(app)
        await pilot.click("#status", offset=(status(app).index("[") + 1, 0))  # no action hides in the status
        await settle(app, pilot)
        assert app.is_running


@pytest.mark.parametrize(
    ("pasted", "kept"),
    [
        (f"{OSC_TITLE}diffusion", "diffusion"),
        ("dif\x1b[31mfu\x9b31msion\x07", "diffusion"),
        (f"a{OSC_CLIPBOARD}[/]", "a[/]"),
    ],
)
async def test_a_pasted_query_loses_its_escape_sequences(store, seeds_corpus, pasted, kept):
    app = ReaderApp(seeds_corpus.papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        box = app.query_one(SearchBox)
        box.post_message(events.Paste(pasted))
        await settle(app, pilot)
        assert box.value == kept
        assert app.is_running and not CONTROLS.search(status(app) + lines(box))


# --- titles, abstracts, links, sources -------------------------------------------------------------------------

TRAPS = [
    Paper(id="p1", title="[@click=app.quit]Quit me[/]", abstract="[b]not bold[/b] and [/] alone", dates=("Mar 11",)),
    Paper(id="p2", title=f"Title {OSC_TITLE}with OSC [/]", abstract=f"Clip {OSC_CLIPBOARD}grab", sources=("x.txt",)),
    Paper(id="p3", title="C1 \x9b31m and \x9d0;X\x9c controls", abstract="ok", sources=(f"{OSC_TITLE}[/]a.txt",)),
]


@pytest.mark.parametrize("paper", TRAPS, ids=lambda paper: paper.id)
async def test_titles_and_abstracts_are_shown_literally_and_clicking_them_does_nothing(store, paper):
    app = ReaderApp([paper], store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        row = app.query_one(PaperList).render_line(0).text
        shown = detail(app)
        assert one_line(paper.title)[:40] in row
        assert one_line(paper.title) in shown and one_line(paper.abstract) in shown
        for source in paper.sources:
            assert shown_path(source) in shown
        assert not CONTROLS.search(row + shown)
        await pilot.click(PaperList, offset=(6, 0))  # on the title, in the list ...
        await pilot.click("#detail-body", offset=(3, 0))  # ... and in the detail
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.is_running


@pytest.mark.parametrize("browser", [True, False], ids=["browser", "no-browser"])
@pytest.mark.parametrize("url", ["https://example.org/a[/]b", "https://example.org/[@click=app.quit]q[/]"])
async def test_o_on_a_link_holding_markup_says_so_literally(store, monkeypatch, url, browser, clipboard_tool):
    opened = []
    monkeypatch.setattr(reach_module, "graphical_browser_available", lambda: browser)
    monkeypatch.setattr(webbrowser, "open", lambda link, new=0: opened.append(link) or True)
    app = ReaderApp([Paper(id="l", title="Linked", abstract="x", links=(url,))], store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert f"Link 1  {url}" in detail(app)
        await pilot.press("o", "1")
        await settle(app, pilot)
        assert app.is_running
        if browser:
            assert opened == [url] and f"Opened {url}" in toasts(app)
        else:
            assert app.clipboard == url and clipboard_tool.read_text() == url
            assert f"No graphical browser here; link copied to the clipboard: {url}" in toasts(app)


# --- file names ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        (f"{OSC_TITLE}dump[/]evil[b].txt", "]evil[b].txt"),  # the folder "<OSC>dump[", the file "]evil[b].txt"
        (f"[@click=app.quit]{OSC_CLIPBOARD}x.txt", "[@click=app.quit]x.txt"),
        (b"caf\xe9 \x1b[2Jdump.txt", "caf\ufffd dump.txt"),  # not UTF-8, and a screen clear
    ],
)
async def test_a_file_name_reaches_the_sources_line_and_warnings_cleaned(store, tmp_path, name, shown):
    good = page_file(tmp_path, name)
    empty = Path(os.fsdecode(os.fsencode(good) + b".empty.txt"))
    empty.write_bytes(b"")
    corpus = load_corpus([good, empty])
    assert [paper.sources for paper in corpus.papers] == [(shown,)]
    assert corpus.warnings == [f"{shown_path(empty)}: empty file; skipped"]
    app = ReaderApp(corpus.papers, store, corpus.warnings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert f"Sources {shown}\n" in detail(app)
        [warning] = toasts(app)
        assert warning == f"Warning\n{shown_path(empty)}: empty file; skipped"
        assert f"{shown}.empty.txt" in warning
        assert not CONTROLS.search(detail(app) + warning)
        assert app.is_running


async def test_files_read_after_the_first_paint_warn_with_clean_names(store, tmp_path):
    good = page_file(tmp_path, f"{OSC_TITLE}[/]good.txt")
    empty = make_file(tmp_path, f"{OSC_CLIPBOARD}[@click=app.quit]empty[/]{OSC_TITLE}.txt", b"")
    app = ReaderApp([], store, files=[good, empty])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert "Sources ]good.txt\n" in detail(app)
        assert toasts(app) == [f"Warning\n{tmp_path}/[@click=app.quit]empty[/].txt: empty file; skipped"]
        assert app.is_running


async def test_the_help_shows_its_rows_literally(store):
    app = ReaderApp([Paper(id="h", title="Help", abstract="x")], store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        binding = Binding("x", "noop", "[b]", tooltip="[@click=app.quit]closes[/] [b]nothing[/b]")
        await app.push_screen(HelpScreen([Command(Section("[/]", [binding]), binding, "x")]))
        await pilot.pause()
        help_text = "\n".join(lines(static) for static in app.screen.query("Static"))
        assert "[/]" in help_text and "[@click=app.quit]closes[/] [b]nothing[/b]" in help_text
        assert app.is_running


# --- any of it at once: a property -----------------------------------------------------------------------------

PIECES = [
    "[",
    "]",
    "@",
    "=",
    "/",
    "[/]",
    "[@click=app.quit]",
    "[b]",
    "is:",
    "\\",
    " ",
    "\x1b",
    OSC_TITLE,
    OSC_CLIPBOARD,
    "\x1b[31m",
    "\x1bP1$r\x1b\\",
    "\x07",
    "\t",
    "\n",
]
UNTRUSTED = st.lists(
    st.one_of(
        st.sampled_from(PIECES),
        st.characters(min_codepoint=0x80, max_codepoint=0x9F),  # C1 controls: CSI, OSC, ST as one character
        st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=3),
    ),
    min_size=1,
    max_size=8,
).map("".join)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=UNTRUSTED, abstract=UNTRUSTED, link=UNTRUSTED, name=UNTRUSTED, queries=st.lists(UNTRUSTED, max_size=3))
def test_untrusted_text_anywhere_never_crashes_the_app_and_is_shown_literally(
    clipboard_tool, title, abstract, link, name, queries
):
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(_untrusted_session(Path(folder), title, abstract, link, name, queries))


async def _untrusted_session(folder: Path, title: str, abstract: str, link: str, name: str, queries: list[str]):
    name = "d" + name.replace("/", "_") + ".txt"  # any name a file can have
    papers = load_corpus([page_file(folder, name)]).papers  # its source: the file name, as the corpus cleans it
    url = f"https://example.org/{link}"
    raw = Paper(id="raw", title=f"T {title}", abstract=abstract, dates=("Mar 11",), sources=(name,), links=(url,))
    store = MarkStore.open(folder / "marks")
    app = ReaderApp([raw, *papers], store, warnings=[f"{name}: {abstract}"])
    try:
        with mock.patch.object(reach_module, "graphical_browser_available", lambda: False):
            async with app.run_test(size=SIZE, notifications=True) as pilot:
                await _drive(app, pilot, raw, name, url, queries)
    finally:
        store.close()
    assert app.return_code is None  # still running when the test closed it: no crash, no quit


async def _drive(app, pilot, raw: Paper, name: str, url: str, queries: list[str]) -> None:
    await settle(app, pilot)
    box = app.query_one(SearchBox)
    await pilot.press("slash")
    for query in queries:
        box.post_message(events.Paste(query))  # a paste: typing cannot produce control characters
        await settle(app, pilot)
        assert app.is_running
        assert box.value == one_line((query.splitlines() or [""])[0])
        error = app.reader.result.error if app.reader.result is not None else None
        if error:
            assert strip_controls(error) in status(app)
        assert not CONTROLS.search(status(app) + lines(box))
        if box.value:
            await pilot.press("escape", "escape", "slash")  # to the list, which clears the query, and back
    await pilot.press("enter")  # to the list, showing every paper again
    await settle(app, pilot)
    plist = app.query_one(PaperList)
    await pilot.press("g", *["j"] * list(plist.rows).index(0), "enter")  # open the raw paper
    await settle(app, pilot)
    shown = detail(app)
    for text in (raw.title, raw.abstract or "(no abstract)", f"Sources {shown_path(name)}", url):
        assert one_line(text) in shown
    await pilot.press("o", "enter")  # the menu's first item: the link
    await settle(app, pilot)
    shown_url = " ".join(one_line(url).split())  # on one line, spaces collapsed
    assert f"No graphical browser here; link copied to the clipboard: {shown_url}" in toasts(app)
    # the name, then the problem; cleaned as one line (an unterminated OSC in the name hides the rest of the line,
    # as a terminal would)
    assert any(toast.startswith(f"Warning\n{one_line(name + ': ')}") for toast in toasts(app))
    rows = "\n".join(plist.render_line(y).text for y in range(len(plist.rows)))
    assert not CONTROLS.search(rows + shown + status(app) + "".join(toasts(app)))
    assert app.is_running


# --- the command line ------------------------------------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess:
    """The CLI as a process: what it writes to the terminal, as bytes."""
    return subprocess.run([sys.executable, "-m", "tui_reader", *args], capture_output=True, timeout=60)


def terminal_safe(output: bytes) -> bool:
    text = output.decode("utf-8")  # strict: U+FFFD stands in for bytes that are not UTF-8
    return b"\x1b" not in output and b"\x07" not in output and not CONTROLS.search(text.replace("\n", ""))


@pytest.fixture
def evil_dump(tmp_path) -> Path:
    """A folder whose path and file names hold an OSC title, an OSC 52 clipboard write, markup ("[/]" across the
    folder and the name), a C1 control and a byte that is not UTF-8."""
    folder = tmp_path / f"{OSC_TITLE}dumps["
    page_file(folder, f"]{OSC_TITLE}evil[b].txt", "Diffusion for evil names")
    page_file(folder, b"caf\xe9 \xc2\x9b31m.txt", "Diffusion in a cafe")  # U+009B: CSI
    make_file(folder, f"]{OSC_CLIPBOARD}[@click=app.quit]empty.txt", b"")
    return folder


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_list_prints_no_escape_from_file_names(evil_dump, fmt):
    result = run("list", "--format", fmt, str(evil_dump))
    assert result.returncode == 0, result.stderr
    assert terminal_safe(result.stdout) and terminal_safe(result.stderr)
    skipped = f"{evil_dump.parent}/dumps[/][@click=app.quit]empty.txt: empty file; skipped"
    assert result.stderr.decode().splitlines() == [f"tui-reader: warning: {skipped}"]
    if fmt == "json":
        sources = sorted(source for record in json.loads(result.stdout) for source in record["sources"])
        assert sources == ["]evil[b].txt", "caf\ufffd .txt"]  # the C1 CSI goes whole, its "31m" too
    else:
        assert b"Diffusion for evil names" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--query", f"is:[/]{OSC_TITLE}x"),  # a warning holding the query
        ("list", f"/no/such/{OSC_CLIPBOARD}[/]dump.txt"),  # an error holding a path
        (f"/no/such/{OSC_TITLE}dump.txt",),  # the same, from the launcher
        ("mark", "--read", "--corpus", "EVIL", "nope\x1b]2;X\x07"),  # an unknown id, as typed
    ],
    ids=["warning", "list-error", "launch-error", "mark-error"],
)
def test_cli_messages_print_no_escape(evil_dump, args):
    args = tuple(str(evil_dump) if arg == "EVIL" else arg for arg in args)
    result = run(*args)
    assert terminal_safe(result.stdout) and terminal_safe(result.stderr)
    assert result.stderr.count(b"\n") >= 1 and b"Traceback" not in result.stderr


async def test_escape_sequences_from_a_corpus_never_reach_the_screen(store):
    page = "Mar 11\n\nEvil \x1b[31mred\x1b]0;pwned\x07 title\n\nAn abstract with a bell \x07 and \x1b[2J a clear.\n"
    papers = parse_text(page, "evil.txt")
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        line = app.query_one(PaperList).render_line(0).text
        assert "Evil red title" in line
        detail = str(app.query_one("#detail-body").render())
        assert "\x1b" not in line + detail and "\x07" not in line + detail


async def test_megabyte_fields_are_shown_cut_with_their_length_and_keys_still_answer(store):
    """A hostile file's megabyte title, abstract, author and link: the detail pane shows the first 20,000 characters
    of each and how long it was (wrapping a megabyte at every move onto the paper took seconds a key)."""
    giant = Paper(
        id="g1",
        title="T" * 1_000_000,
        abstract="Word " * 200_000,
        authors=("A" * 1_000_000,),
        github_repo="https://github.com/a/" + "b" * 1_000_000,
    )
    app = ReaderApp([giant, Paper(id="p2", title="Small", abstract="ok")], store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        shown = detail(app)
        assert shown.count("… (cut: 1,000,000 characters)") == 3 and len(shown) < 100_000
        assert "github.com/a/bbbb" in shown and "… (cut: 1,000,013 characters)" in shown  # the link, bare
        assert "T" * 20_000 in shown and "Word " * 3_999 in shown
        await pilot.press("j")
        await settle(app, pilot)
        assert detail(app).startswith("Small")
