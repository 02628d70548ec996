"""Copying (tui_reader.clipboard and the reach controller's y): the text goes to the system's tools on stdin, and
the user is told "copied" only when one of them took it. The tools here are small shell scripts on a PATH of the
test's own: one saves what it is given, one fails, one never ends."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from fake_host import FakeHost

from tui_reader import clipboard
from tui_reader.clipboard import copy_with_tools, tools_for
from tui_reader.controllers.reach import Reach
from tui_reader.paper import Paper
from tui_reader.state import ReaderState

BIBTEX = "@misc{lovelace2024fast,\n  title = {Fast Diffusion},\n}\n"
OSC52 = "sent to the terminal's clipboard (OSC 52, unconfirmed)"


class Tools:
    """A folder of fake tools; ``env`` is the environment the reader would pass (its PATH: these tools first)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir()
        system = folder.parent / "system"  # only what the scripts use: a real xclip or tmux here is never found
        system.mkdir()
        for name in ("cat", "sleep"):
            (system / name).symlink_to(shutil.which(name) or name)
        self.env: dict[str, str] = {"PATH": f"{folder}:{system}"}

    def saving(self, name: str) -> Path:
        """A tool that saves its stdin (and its arguments) and exits 0: the file it saves stdin to."""
        saved = self.folder / f"{name}.stdin"
        self._script(name, f"printf '%s\\n' \"$*\" > '{saved}.args'\ncat > '{saved}'\n")
        return saved

    def failing(self, name: str) -> None:
        self._script(name, "cat > /dev/null\nexit 1\n")

    def hanging(self, name: str) -> None:
        self._script(name, "exec sleep 30\n")

    def tmux(self, load_status: int, set_clipboard: str) -> Path:
        """A tmux whose load-buffer saves stdin and exits ``load_status``, and whose set-clipboard is as given."""
        saved = self.folder / "tmux.stdin"
        self._script(
            "tmux",
            f'case "$1" in\n'
            f"  load-buffer) printf '%s\\n' \"$*\" > '{saved}.args'; cat > '{saved}'; exit {load_status} ;;\n"
            f"  show-options) echo '{set_clipboard}' ;;\n"
            f"esac\n",
        )
        return saved

    def _script(self, name: str, body: str) -> None:
        tool = self.folder / name
        tool.write_text("#!/bin/sh\n" + body)
        tool.chmod(0o755)


@pytest.fixture
def tools(tmp_path):
    return Tools(tmp_path / "bin")


@pytest.fixture
def host(data_dir):
    from tui_reader.library import MarkStore

    with MarkStore.open(data_dir) as store:
        yield FakeHost(ReaderState([Paper(id="p0", title="Paper", abstract="")], store))


def copy(host, tools, chosen=("BibTeX entry", BIBTEX), platform="linux"):
    Reach(host, lambda paper_id: None, environ=tools.env, platform=platform).copy(chosen)


def test_a_tool_that_takes_the_text_gets_it_on_stdin_and_the_user_reads_copied(host, tools):
    saved = tools.saving("xclip")
    tools.env["DISPLAY"] = ":0"
    copy(host, tools)
    assert saved.read_bytes() == BIBTEX.encode()
    assert Path(f"{saved}.args").read_text() == "-selection clipboard\n"  # the text is never on the command line
    assert host.clipboard == [BIBTEX]  # OSC 52 too
    assert host.said == [
        ("BibTeX entry copied to the clipboard: @misc{lovelace2024fast, title = {Fast Diffusion}, }", "", "information")
    ]


def test_a_tool_that_fails_is_not_copied_and_outside_tmux_osc_52_is_all_the_user_is_told(host, tools):
    tools.failing("xclip")
    tools.env["DISPLAY"] = ":0"
    copy(host, tools, ("Title", "Fast Diffusion"))
    assert host.messages == [f"Title {OSC52}: Fast Diffusion"]
    assert host.clipboard == ["Fast Diffusion"]


def test_with_no_tool_at_all_osc_52_is_said_to_be_unconfirmed(host, tools):
    copy(host, tools, ("Title", "Fast Diffusion"))
    assert host.messages == [f"Title {OSC52}: Fast Diffusion"]


def test_a_tool_that_never_ends_is_killed_and_not_counted(host, tools, monkeypatch):
    tools.hanging("wl-copy")
    tools.env["WAYLAND_DISPLAY"] = "wayland-0"
    monkeypatch.setattr(clipboard, "TIMEOUT", 0.5)
    started = time.monotonic()
    copy(host, tools, ("Title", "Fast Diffusion"))
    assert time.monotonic() - started < 5
    assert host.messages == [f"Title {OSC52}: Fast Diffusion"]


def test_in_tmux_the_text_goes_to_its_buffer(host, tools):
    saved = tools.tmux(load_status=0, set_clipboard="external")
    tools.env["TMUX"] = "/tmp/tmux-0/default,1,0"
    copy(host, tools)
    assert saved.read_bytes() == BIBTEX.encode()
    assert Path(f"{saved}.args").read_text() == "load-buffer -w -\n"
    assert host.messages == [
        "BibTeX entry copied to tmux's buffer: @misc{lovelace2024fast, title = {Fast Diffusion}, }"
    ]


def test_in_tmux_with_both_the_buffer_and_the_clipboard_taking_it_both_are_named(host, tools):
    tools.tmux(load_status=0, set_clipboard="external")
    tools.saving("wl-copy")
    tools.env |= {"TMUX": "/tmp/tmux-0/default,1,0", "WAYLAND_DISPLAY": "wayland-0"}
    copy(host, tools, ("Title", "Fast Diffusion"))
    assert host.messages == ["Title copied to tmux's buffer and the clipboard: Fast Diffusion"]


@pytest.mark.parametrize("setting", ["external", "off"])
def test_in_tmux_dropping_osc_52_with_no_tool_taking_it_the_user_is_told_how_to_enable_it(host, tools, setting):
    tools.tmux(load_status=1, set_clipboard=setting)
    tools.env["TMUX"] = "/tmp/tmux-0/default,1,0"
    copy(host, tools, ("Title", "Fast Diffusion"))
    assert host.said == [("Title not copied: in tmux, add `set -g set-clipboard on` to ~/.tmux.conf", "", "warning")]


def test_in_tmux_passing_osc_52_on_the_user_is_told_it_was_sent(host, tools):
    tools.tmux(load_status=1, set_clipboard="on")
    tools.env["TMUX"] = "/tmp/tmux-0/default,1,0"
    copy(host, tools, ("Title", "Fast Diffusion"))
    assert host.messages == [f"Title {OSC52}: Fast Diffusion"]


def test_escape_sequences_and_control_characters_never_reach_the_clipboard(host, tools):
    saved = tools.saving("pbcopy")
    copy(host, tools, ("Title", "Fast\x1b]52;c;ZXZpbA==\x07 Diffusion\x1b[31m red\x00\r\nnext"), platform="darwin")
    assert saved.read_bytes() == b"Fast Diffusion red\nnext"
    assert host.clipboard == ["Fast Diffusion red\nnext"]


def test_a_link_copied_for_want_of_a_browser_says_where_it_went(host, tools, monkeypatch):
    from tui_reader.controllers import reach as reach_module

    monkeypatch.setattr(reach_module, "graphical_browser_available", lambda: False)
    tools.saving("xclip")
    tools.env["DISPLAY"] = ":0"
    Reach(host, lambda paper_id: None, environ=tools.env, platform="linux").open_link("https://e.org/a", "p0")
    assert host.messages == ["No graphical browser here; link copied to the clipboard: https://e.org/a"]


@pytest.mark.parametrize(
    ("env", "platform", "expected"),
    [
        ({}, "linux", []),
        ({"TMUX": "/s,1,0"}, "linux", ["tmux"]),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", ["wl-copy"]),
        ({"DISPLAY": ":0"}, "linux", ["xclip"]),
        ({"TMUX": "/s,1,0", "DISPLAY": ":0"}, "darwin", ["tmux", "xclip", "pbcopy"]),
        ({}, "darwin", ["pbcopy"]),
    ],
)
def test_the_tools_tried_follow_the_environment(tools, env, platform, expected):
    for name in ("tmux", "wl-copy", "xclip", "xsel", "pbcopy"):
        tools.saving(name)
    assert [command[0] for command in tools_for({**tools.env, **env}, platform)] == expected


def test_xsel_serves_when_there_is_no_xclip(tools):
    saved = tools.saving("xsel")
    assert copy_with_tools("Fast", {**tools.env, "DISPLAY": ":0"}, "linux").took == ("xsel",)
    assert saved.read_bytes() == b"Fast"
    assert Path(f"{saved}.args").read_text() == "--clipboard --input\n"


def test_a_tool_missing_from_path_is_not_tried(tools):
    assert copy_with_tools("Fast", {**tools.env, "DISPLAY": ":0", "WAYLAND_DISPLAY": "w"}, "linux").took == ()
