"""End to end: the installed `tui-reader` in a real terminal (tmux), driven by keys and read off the screen.

Each test runs its own tmux server (a private socket), so it never touches anybody else's sessions.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tui_reader.corpus import load_corpus
from tui_reader.search import SearchIndex

ENTRY = Path(sys.executable).parent / "tui-reader"
COLS, ROWS = 120, 40
DEADLINE = 30.0  # seconds: generous, the machine is small and shared

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
pytestmark = [pytestmark, pytest.mark.serial]  # a real terminal, timed: never alongside other tests


class Terminal:
    """One program in a detached 120x40 tmux pane. A small shell runs it and writes its exit status to a file:
    the test waits on that file, not on tmux noticing the exit (tmux does not always reap its child here)."""

    def __init__(self, tmp: Path, name: str) -> None:
        self.socket = str(tmp / f"{name}.sock")
        self.session = name
        self.exit_file = tmp / f"{name}.exit"
        self.config = tmp / f"{name}.tmux.conf"
        self.config.write_text("set -g remain-on-exit on\n")  # keep the last screen after the program exits

    def tmux(self, *args: str, check: bool = True) -> str:
        out = subprocess.run(
            ["tmux", "-S", self.socket, "-f", str(self.config), *args],
            capture_output=True,
            text=True,
            check=check,
            env={**os.environ, "LANG": "C.UTF-8"},
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # the server must not inherit pytest's session
        )
        return out.stdout

    def start(self, *argv: str) -> None:
        done, partial = shlex.quote(str(self.exit_file)), shlex.quote(f"{self.exit_file}.tmp")
        script = f'"$@"; echo "$?" > {partial} && mv {partial} {done}'
        command = ["env", "TERM=xterm-256color", "LANG=C.UTF-8", "sh", "-c", script, "sh", *argv]
        self.tmux("new-session", "-d", "-s", self.session, "-x", str(COLS), "-y", str(ROWS), *command)

    def screen(self, everything: bool = False) -> str:
        """The pane's text. everything=True: from the start of the scrollback, wrapped lines rejoined
        (tmux settles the pane's size just after spawning, which can push the first line into the scrollback)."""
        return self.tmux("capture-pane", "-p", *(["-J", "-S", "-"] if everything else []), "-t", self.session)

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", self.session, *(["-l"] if literal else []), *keys)

    def paste(self, text: str) -> None:
        """Paste as a terminal does (bracketed paste): typed keys would make each "/" mean "search"."""
        self.tmux("set-buffer", "--", text)
        self.tmux("paste-buffer", "-p", "-t", self.session)

    def exit_status(self) -> int | None:
        """The program's exit status once it has exited, else None."""
        return int(self.exit_file.read_text()) if self.exit_file.exists() else None

    def wait_for(self, what: str, check: Callable[[str], object]) -> object:
        """Poll the screen until check(screen) is truthy; return its value. Fails with the last screen."""
        deadline = time.monotonic() + DEADLINE
        while True:
            screen = self.screen()
            value = check(screen)
            if value:
                return value
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}; the screen was:\n{screen}")
            time.sleep(0.05)

    def wait_exit(self) -> int:
        deadline = time.monotonic() + DEADLINE
        while (status := self.exit_status()) is None:
            if time.monotonic() > deadline:
                pytest.fail(f"the program did not exit; the screen was:\n{self.screen()}")
            time.sleep(0.05)
        return status

    def close(self) -> None:
        self.tmux("kill-session", "-t", self.session, check=False)


@pytest.fixture
def terminal(tmp_path):
    made: list[Terminal] = []

    def make(name: str) -> Terminal:
        term = Terminal(tmp_path, f"e2e-{name}")
        made.append(term)
        return term

    yield make
    for term in made:
        term.close()


# --- reading the screen -------------------------------------------------------------------------------------

# anchored at the line's end: nothing after the view (no "loading …", no "indexing…", no toast over the line)
STATUS = re.compile(
    r"([\d,]+) / ([\d,]+) shown · ([\d,]+) unread · ([\d,]+) starred · view: (\w+)(?: · sort: [\w ]+)?\s*$"
)


def status(screen: str) -> tuple[int, int, int, int, str] | None:
    """(shown, total, unread, starred, view) from the status line, once every file is loaded and indexed."""
    match = next((m for line in screen.splitlines() if (m := STATUS.search(line))), None)
    if match is None:
        return None
    shown, total, unread, starred = (int(g.replace(",", "")) for g in match.groups()[:4])
    return shown, total, unread, starred, match.group(5)


def search_box(screen: str) -> str:
    return screen.splitlines()[1]  # the box's middle line, below its top edge


def footer(screen: str) -> str:
    return screen.rstrip("\n").splitlines()[-1]


def list_focused(screen: str) -> bool:
    """The footer offers the list's own key (Enter opens) only while the list has focus."""
    return "⏎ Open" in footer(screen)


def search_focused(screen: str) -> bool:
    """While the search box has focus, letter keys type, so the footer stops offering them."""
    return status(screen) is not None and "s Star" not in footer(screen)


def first_row(screen: str) -> tuple[str, str]:
    """(markers, title) of the top row of the list pane: the first line below the pane's top border."""
    lines = screen.splitlines()
    top = next(i for i, line in enumerate(lines) if line.lstrip().startswith("╭"))
    cell = lines[top + 1].split("│")[1]  # "│✓●★✎◆ Title…   Mar 11 │ │ detail │": selected, unread, star, note, watched
    markers, title = cell[1:3], cell[6:-8].rstrip()  # unread and star
    return markers, title


def on_top_row(screen: str, title: str) -> bool:
    """The list's top row shows this title (its first 40 characters: the row may cut it)."""
    lines = screen.splitlines()
    top = next(i for i, line in enumerate(lines) if line.lstrip().startswith("╭"))
    return title[:40] in lines[top + 1].split("│")[1]


def same_title(shown: str, full: str) -> bool:
    """The screen may cut a long title and end it with an ellipsis."""
    if shown.endswith("…"):
        return len(shown) > 10 and full.startswith(shown[:-1].rstrip())
    return shown == full


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ENTRY), *args], capture_output=True, text=True, timeout=60)


# --- tests ----------------------------------------------------------------------------------------------------


def test_installed_entry_point_exists():
    assert ENTRY.is_file() and os.access(ENTRY, os.X_OK), f"{ENTRY} missing: run `make test` (pip install -e .)"


def test_search_star_quit_relaunch(terminal, tmp_path):
    papers = load_corpus(None).papers
    total = len(papers)
    expected = SearchIndex(papers).search("diffusion").indices
    assert 0 < len(expected) < total, "the seeds should contain some, not all, diffusion papers"
    data_dir = tmp_path / "marks"

    app = terminal("star")
    app.start(str(ENTRY), "--data-dir", str(data_dir))
    app.wait_for("the list, focused", lambda s: status(s) and list_focused(s))
    assert status(app.screen()) == (total, total, total, 0, "all")

    app.keys("/")
    app.wait_for("the search box to take focus", search_focused)
    app.keys("diffusion", literal=True)
    want_first = papers[expected[0]].title

    def filtered(screen: str):
        current = status(screen)
        return (
            current is not None
            and current[0] == len(expected)
            and "diffusion" in search_box(screen)
            and same_title(first_row(screen)[1], want_first)
        )

    screen = app.wait_for(f"'{len(expected)} / {total} shown' for 'diffusion'", lambda s: filtered(s) and s)
    markers, title = first_row(screen)
    assert "★" not in markers

    app.keys("Enter")  # to the list
    app.wait_for("the list to take focus", list_focused)
    app.keys("s")  # star the paper under the cursor: the first result
    screen = app.wait_for("1 starred", lambda s: (st := status(s)) is not None and st[3] == 1 and s)
    assert status(screen) == (len(expected), total, total, 1, "all"), "Enter in the box only moves to the list"
    assert first_row(screen) == (markers[0] + "★", title), "the star shows on the starred row"

    app.keys("q")
    assert app.wait_exit() == 0

    listed = run_cli("list", "--starred", "--format", "json", "--data-dir", str(data_dir))
    assert listed.returncode == 0, listed.stderr
    records = json.loads(listed.stdout)
    assert len(records) == 1, records
    assert records[0]["starred"] is True
    assert same_title(title, records[0]["title"]), (title, records[0]["title"])

    again = terminal("relaunch")
    again.start(str(ENTRY), "--data-dir", str(data_dir))
    again.wait_for("the list, focused", lambda s: status(s) and list_focused(s))
    assert status(again.screen())[3] == 1  # '1 starred' after a restart
    again.keys("u", "u")  # view: all -> unread -> starred
    screen = again.wait_for("the starred view", lambda s: status(s) in [(1, total, total, 1, "starred")] and s)
    assert first_row(screen) == (markers[0] + "★", title)
    again.keys("q")
    assert again.wait_exit() == 0


def test_typing_right_after_slash_goes_to_the_search_box(terminal, tmp_path):
    """A fast typist (or a paste) sends '/diffusion' in one burst: every letter must land in the box, none may
    act as a list key (the 's' in it would star a paper, the 'u' change the view)."""
    app = terminal("burst")
    app.start(str(ENTRY), "--data-dir", str(tmp_path / "marks"))
    app.wait_for("the list, focused", lambda s: status(s) and list_focused(s))
    total = status(app.screen())[1]

    app.keys("/diffusion", literal=True)  # one write: the app reads all ten keys at once

    def settled(screen: str):
        current = status(screen)
        if current is None or not search_focused(screen):
            return None
        filtered = current[0] < total and "diffusion" in search_box(screen)
        went_astray = current[3] > 0 or current[4] != "all"
        return (filtered or went_astray) and screen

    screen = app.wait_for("the filtered list (or a letter acting as a list key)", settled)
    assert status(screen)[3:] == (0, "all"), "letters typed right after '/' acted as list keys (s stars, u views)"
    assert "diffusion" in search_box(screen)


def test_missing_path_is_one_line_error(terminal, tmp_path):
    missing = tmp_path / "no-such-dump.txt"

    app = terminal("missing")
    app.start(str(ENTRY), "--data-dir", str(tmp_path / "marks"), str(missing))
    assert app.wait_exit() == 2
    screen = app.screen(everything=True).splitlines()
    lines = [line for line in screen if line.strip() and not line.startswith("Pane is dead")]
    assert len(lines) == 1, lines
    assert lines[0].startswith("tui-reader: error: ") and "no-such-dump.txt" in lines[0]

    # the same line goes to stderr, stdout stays empty
    result = run_cli(str(missing))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("tui-reader: error: ")
    assert "Traceback" not in result.stderr


def test_escape_sequences_and_markup_in_a_dump_never_reach_the_terminal(terminal, tmp_path):
    """A dump whose path and title hold OSC sequences (window title, OSC 52 clipboard write), Textual
    markup ("[/]" crashed the reader, "[@click=app.quit]" attached an action) and a C1 control. Everything the
    reader writes to the terminal is recorded raw: none of the injected sequences may be in it, and the reader
    keeps running through a search holding "[/]" and the opened detail (which shows the file name)."""
    title_osc, clipboard_osc = "\x1b]2;PWNED\x07", "\x1b]52;c;UFdORUQ=\x07"  # payloads found nowhere else
    folder = tmp_path / f"dumps{title_osc}["  # with the file names below, the paths hold "[/]"
    folder.mkdir()
    (folder / f"]{title_osc}evil [@click=app.quit]x{clipboard_osc}.txt").write_text(
        f"Mar 11\n\nEvil {title_osc}title [/] [@click=app.quit]quit[/] \x9b31m here\n\n"
        f"An abstract long enough to be one, {clipboard_osc}with [b]markup[/b] and [/] in it.\n"
    )
    (folder / f"]{clipboard_osc}empty.txt").write_text("")  # a warning naming the path
    raw, go = tmp_path / "raw-output", tmp_path / "go"

    app = terminal("untrusted")
    # the reader waits for "go", so the recording below catches its very first frame; the shell's glob hands it
    # the folder (tmux never sees the escape sequences in the name)
    wait_then_run = (
        f"while [ ! -e {shlex.quote(str(go))} ]; do sleep 0.05; done; cd {shlex.quote(str(tmp_path))} && "
        f"exec {shlex.quote(str(ENTRY))} --data-dir {shlex.quote(str(tmp_path / 'marks'))} dumps*"
    )
    app.start("sh", "-c", wait_then_run)
    app.tmux("pipe-pane", "-o", "-t", app.session, f"cat >> {shlex.quote(str(raw))}")
    go.touch()

    def injected_sequences() -> list[bytes]:
        deadline = time.monotonic() + DEADLINE
        # the recording lags the screen a little: wait until it holds a frame
        while b"Evil title [/]" not in (output := raw.read_bytes() if raw.exists() else b""):
            if time.monotonic() > deadline:
                pytest.fail("the recording holds none of the reader's frames")
            time.sleep(0.05)
        return [seq for seq in (b"\x1b]2;", b"\x1b]52;", b"PWNED", b"UFdORUQ=", b"\xc2\x9b") if seq in output]

    app.wait_for("the paper, and the warning about the empty file", lambda s: "Evil title [/]" in s and "empty" in s)
    assert injected_sequences() == [], "the first frame let them through (the last: U+009B, CSI)"
    app.wait_for("the file name on the Sources line", lambda s: "Sources ]evil [@click=app.quit]x.txt" in s)
    app.keys("/")
    app.wait_for("the search box to take focus", lambda s: "esc List" in footer(s))
    app.paste("is:a[/]b")
    app.wait_for("the query's error, literally", lambda s: "unknown filter is:a[/]b" in s)
    app.keys("Escape")  # to the list, the query kept
    app.wait_for("the list to take focus", lambda s: list_focused(s) and "is:a[/]b" in search_box(s))
    app.keys("Escape")  # in the list: clears the query
    app.wait_for("the box to be cleared", lambda s: "is:a" not in search_box(s))
    app.keys("/")
    app.wait_for("the search box to take focus", lambda s: "esc List" in footer(s))
    app.keys("evil [@click=app.quit]", literal=True)
    app.wait_for("the query, literally", lambda s: "evil [@click=app.quit]" in search_box(s))
    app.keys("Enter")  # to the list
    app.wait_for("the list to take focus", list_focused)
    app.keys("Enter")  # open the paper
    screen = app.wait_for("the paper marked read", lambda s: " · 0 unread · " in s and s)
    assert "Sources ]evil [@click=app.quit]x.txt" in screen
    assert app.exit_status() is None, "the reader exited"

    app.keys("q")
    assert app.wait_exit() == 0
    app.tmux("pipe-pane", "-t", app.session, check=False)  # stop recording, if tmux has not already
    assert injected_sequences() == []


def test_slash_in_the_search_box_starts_a_new_query(terminal, tmp_path):
    """In a real terminal, "/ abc Esc / diffusion" finds the diffusion papers (a "/" typed in the box used to be
    text, so this searched "/diffusion"... and found 0)."""
    expected = SearchIndex(load_corpus(None).papers).search("diffusion").indices
    app = terminal("slash-again")
    app.start(str(ENTRY), "--data-dir", str(tmp_path / "marks"))
    app.wait_for("the list, focused", lambda s: status(s) and list_focused(s))
    total = status(app.screen())[1]
    app.keys("/")
    app.wait_for("the search box to take focus", search_focused)
    app.keys("abc", literal=True)
    app.wait_for("'abc' in the box", lambda s: "abc" in search_box(s) and status(s)[0] < total)
    app.keys("Escape")  # to the list, the query kept
    app.wait_for("the list to take focus", lambda s: list_focused(s) and "abc" in search_box(s))
    app.keys("Escape")  # in the list: clears the query
    app.wait_for("the box to be cleared", lambda s: "abc" not in search_box(s) and status(s)[0] == total)
    app.keys("/")
    app.keys("diffusion", literal=True)
    screen = app.wait_for(
        f"'{len(expected)} / {total} shown' for 'diffusion'",
        lambda s: status(s) and status(s)[0] == len(expected) and "diffusion" in search_box(s) and s,
    )
    assert "/diffusion" not in search_box(screen)
    assert len(expected) == 9  # the 8 saying "diffusion" and one saying "diffuse" (a stem)
    app.keys("Enter", "Escape")  # to the list, where Esc clears the query
    app.wait_for("every paper again", lambda s: status(s) and status(s)[0] == total and list_focused(s))
    app.keys("q")
    assert app.wait_exit() == 0


def test_a_new_query_puts_the_cursor_on_its_best_match_and_esc_in_the_box_then_q_quits(terminal, tmp_path):
    """ "/diffusion" Enter j j, then "/model" Enter Enter opens the best match for "model" (not the paper the cursor
    was on, which "model" still lists lower down); then "/foo" Esc q: Esc leaves the box keeping "foo", q quits."""
    papers = load_corpus(None).papers
    total = len(papers)
    index = SearchIndex(papers)
    diffusion, model = list(index.search("diffusion").indices), list(index.search("model").indices)
    assert diffusion[2] in model[1:]  # the paper the cursor is on stays in the list, below the top
    data_dir = tmp_path / "marks"
    app = terminal("best-match")
    app.start(str(ENTRY), "--data-dir", str(data_dir))
    app.wait_for("the list, focused", lambda s: status(s) and list_focused(s))
    app.keys("/")
    app.wait_for("the search box to take focus", search_focused)
    app.keys("diffusion", literal=True)
    app.wait_for(
        "the diffusion papers",
        lambda s: status(s) and status(s)[0] == len(diffusion) and on_top_row(s, papers[diffusion[0]].title),
    )
    app.keys("Enter")
    app.wait_for("the list to take focus", list_focused)
    app.keys("j", "j", "/")
    app.wait_for("the search box to take focus", search_focused)
    app.keys("model", literal=True)  # "/" selected the query: typing replaces it
    app.wait_for(
        "the model papers",
        lambda s: status(s) and status(s)[0] == len(model) and on_top_row(s, papers[model[0]].title),
    )
    app.keys("Enter")
    app.wait_for("the list to take focus", list_focused)
    app.keys("Enter")  # opens the paper under the cursor, and marks it read
    app.wait_for("one paper read", lambda s: (st := status(s)) is not None and st[2] == total - 1)
    app.keys("/")
    app.wait_for("the search box to take focus", search_focused)
    app.keys("foo", literal=True)
    app.wait_for("'foo' in the box", lambda s: "foo" in search_box(s) and search_focused(s))
    app.keys("Escape")
    app.wait_for("the list to take focus, 'foo' kept", lambda s: list_focused(s) and "foo" in search_box(s))
    app.keys("q")
    assert app.wait_exit() == 0, "q quits from the list (it is not typed into the box)"
    listed = run_cli("list", "--read", "--format", "json", "--data-dir", str(data_dir))
    assert listed.returncode == 0, listed.stderr
    assert [record["title"] for record in json.loads(listed.stdout)] == [papers[model[0]].title]


def test_two_machines_sharing_a_sync_folder_see_each_others_star_and_note(terminal, tmp_path):
    """Two readers with their own data dirs and one sync folder (config.toml's sync_dir): a star made and a note
    written (with the note key, a) in one reader show in the other one within 10 s, the note in its detail."""
    papers = load_corpus(None).papers
    total = len(papers)
    shared = tmp_path / "Sync"
    shared.mkdir()
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "tui-reader" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"sync_dir = {json.dumps(str(shared))}\n")
    laptop, desktop = terminal("laptop"), terminal("desktop")
    laptop.start(str(ENTRY), "--data-dir", str(tmp_path / "laptop"))
    desktop.start(str(ENTRY), "--data-dir", str(tmp_path / "desktop"))
    for app in (laptop, desktop):
        app.wait_for("the list, focused", lambda s: status(s) and list_focused(s))

    laptop.keys("s")  # star the first paper
    laptop.wait_for("the star", lambda s: status(s) and status(s)[3] == 1)
    laptop.keys("aread the appendix", literal=True)  # its note, in the reader's editor: a, then typing at once
    laptop.wait_for("the note typed in the editor", lambda s: "Ctrl+S saves" in s and "read the appendix" in s)
    laptop.keys("C-s")
    laptop.wait_for("the note in the laptop's detail", lambda s: "read the appendix" in s and "Ctrl+S saves" not in s)
    started = time.monotonic()
    desktop.wait_for("the star made on the laptop", lambda s: status(s) == (total, total, total, 1, "all"))
    desktop.wait_for("the laptop's note in the desktop's detail", lambda s: "read the appendix" in s)
    assert time.monotonic() - started < 10, "the star and the note did not reach the desktop within 10 s"
    note = run_cli("note", papers[0].id, "--data-dir", str(tmp_path / "desktop")).stdout
    assert note == "read the appendix\n"
    for app in (laptop, desktop):
        app.keys("q")
        assert app.wait_exit() == 0


def test_y_copies_into_tmux_with_its_default_settings(terminal, tmp_path):
    """tmux drops OSC 52 unless set-clipboard is on, and it is "external" by default: y puts the text in tmux's
    buffer (load-buffer), where the user pastes it from, and says so."""
    first = load_corpus(None).papers[0]
    app = terminal("copy")
    app.start(str(ENTRY), "--data-dir", str(tmp_path / "marks"))
    app.wait_for("the list, focused", lambda s: status(s) and list_focused(s))
    assert app.tmux("show-options", "-gv", "set-clipboard") == "external\n"  # the default, untouched
    assert app.tmux("save-buffer", "-", check=False) == ""  # no buffer yet

    app.keys("y")
    app.wait_for("the copy menu", lambda s: "Reader id" in s)
    app.keys("i")
    app.wait_for("the notice", lambda s: "Reader id copied to" in s)
    assert app.tmux("save-buffer", "-") == first.id
    assert "not copied" not in app.screen()
    app.keys("q")
    assert app.wait_exit() == 0
