"""Copying text where the user can paste it, with the tools the system has (no Textual).

The reader also writes OSC 52 (Textual's ``copy_to_clipboard``), which a terminal may take or silently ignore,
and which tmux drops unless ``set-clipboard`` is ``on``. So the text is also handed, on stdin and never on a
command line, to each tool that applies here: the tmux buffer (``tmux load-buffer -w -``: tmux passes it on to
the outer terminal's clipboard when it can), ``wl-copy`` (Wayland), ``xclip`` or else ``xsel`` (X11), ``pbcopy``
(macOS). A tool took the text when it exited 0 within the timeout. ``copy_with_tools`` takes the environment and
the platform as arguments, so tests give it fake tools on a PATH of their own.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tui_reader.safe_text import strip_controls

__all__ = ["TIMEOUT", "Copied", "clean", "copy_with_tools", "tools_for"]

TIMEOUT = 3.0  # seconds a tool has to take the text (they take milliseconds; a stuck one is killed)

TMUX = ("tmux", "load-buffer", "-w", "-")
WL_COPY = ("wl-copy",)
X11 = (("xclip", "-selection", "clipboard"), ("xsel", "--clipboard", "--input"))  # the first found is used
PBCOPY = ("pbcopy",)


@dataclass(frozen=True)
class Copied:
    """What became of a copy: the tools that took the text (``"tmux"``, ``"xclip"`` …), whether the reader runs
    in tmux, and (in tmux, when no tool took it) tmux's ``set-clipboard`` option ("" when it could not be read)."""

    took: tuple[str, ...] = ()
    in_tmux: bool = False
    tmux_clipboard: str = ""

    @property
    def osc52_blocked(self) -> bool:
        """In tmux, whose ``set-clipboard`` is not ``on``: the OSC 52 the reader wrote went nowhere."""
        return self.in_tmux and self.tmux_clipboard != "on"


def clean(text: str) -> str:
    """What is copied: the text without terminal escape sequences or control characters (a pasted ESC or CR could
    act in the shell it is pasted into); tabs and line breaks are kept."""
    return strip_controls(text).replace("\r\n", "\n").replace("\r", "\n")


def tools_for(env: Mapping[str, str], platform: str) -> list[tuple[str, ...]]:
    """The commands to try, in order, for this environment (``$TMUX``, ``$WAYLAND_DISPLAY``, ``$DISPLAY``) and
    platform (``sys.platform``), among those found on ``env``'s PATH."""
    path = env.get("PATH", "")
    wanted: list[tuple[str, ...]] = []
    if env.get("TMUX"):
        wanted.append(TMUX)
    if env.get("WAYLAND_DISPLAY"):
        wanted.append(WL_COPY)
    if env.get("DISPLAY"):
        wanted.extend([x11 for x11 in X11 if shutil.which(x11[0], path=path)][:1])
    if platform == "darwin":
        wanted.append(PBCOPY)
    return [command for command in wanted if shutil.which(command[0], path=path)]


def copy_with_tools(text: str, env: Mapping[str, str], platform: str, timeout: float | None = None) -> Copied:
    """Hand ``text`` to every tool of ``tools_for``; ask tmux for its ``set-clipboard`` when none took it. Each
    command has ``timeout`` seconds (None: ``TIMEOUT``)."""
    timeout = TIMEOUT if timeout is None else timeout
    data = clean(text).encode("utf-8")
    took = tuple(command[0] for command in tools_for(env, platform) if _run(command, env, data, timeout) is not None)
    in_tmux = bool(env.get("TMUX"))
    setting = ""
    if in_tmux and not took and shutil.which("tmux", path=env.get("PATH", "")):
        setting = (_run(("tmux", "show-options", "-gv", "set-clipboard"), env, b"", timeout) or b"").decode().strip()
    return Copied(took, in_tmux, setting)


def _run(command: Sequence[str], env: Mapping[str, str], data: bytes, timeout: float) -> bytes | None:
    """Run ``command`` with ``data`` on stdin: its stdout when it exited 0 within ``timeout``, else None.

    stderr is dropped, and stdout is read only from commands that exit at once (tmux): xclip and wl-copy leave a
    child serving the selection that would hold a pipe open. The command gets a session of its own, so that child
    outlives neither the terminal's signals nor a timeout's kill of the whole group."""
    path = env.get("PATH", "")
    executable = shutil.which(command[0], path=path)
    if executable is None:
        return None
    wants_output = command[0] == "tmux"
    try:
        process = subprocess.Popen(
            [executable, *command[1:]],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE if wants_output else subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=dict(env),
            start_new_session=True,
        )
    except OSError:
        return None
    try:
        output, _ = process.communicate(data, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        return None
    except OSError:  # the tool closed stdin early (a broken pipe)
        _kill(process)
        return None
    return (output or b"") if process.returncode == 0 else None


def _kill(process: subprocess.Popen[bytes]) -> None:
    """End the tool that did not finish, and what it started (its own process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        process.kill()
    process.communicate()
