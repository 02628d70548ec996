"""A tmux first-paint probe: how long from spawning a command until its screen shows what we wait for.

The probe owns a private tmux server (its own socket) and talks to it through one control-mode client, so polling
the screen costs a round trip to the server, not a new process per poll (the machine has only two cores).
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

Check = Callable[[str], bool]


class TmuxProbe:
    """Spawn commands in fresh detached tmux sessions of a fixed size and time their screens."""

    def __init__(self, cols: int = 120, rows: int = 40) -> None:
        self.cols, self.rows = cols, rows
        self._runs = 0
        self._dir = Path(tempfile.mkdtemp(prefix="bench-tmux-"))
        config = self._dir / "tmux.conf"
        config.write_text("set -g history-limit 0\n")
        self._base = ["tmux", "-S", str(self._dir / "socket"), "-f", str(config)]
        env = {**os.environ, "LANG": "C.UTF-8"}
        # a session that only keeps the server alive and gives the control client something to attach to
        # (its own session and no stdin: started from some parents, e.g. pytest, the server never reaps its children)
        subprocess.run(
            [*self._base, "new-session", "-d", "-s", "keeper", "sleep", "86400"],
            check=True,
            env=env,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._ctl = subprocess.Popen(
            [*self._base, "-C", "attach-session", "-t", "keeper"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
            env=env,
            start_new_session=True,
        )
        self._read_block("attach-session")  # the attach command's own (empty) reply comes first

    def command(self, line: str) -> list[str]:
        """Run one tmux command through the control client; its output lines."""
        assert self._ctl.stdin is not None and self._ctl.stdout is not None
        self._ctl.stdin.write(line + "\n")
        self._ctl.stdin.flush()
        return self._read_block(line)

    def _read_block(self, line: str) -> list[str]:
        """Read one %begin ... %end reply, skipping notifications before it."""
        assert self._ctl.stdout is not None
        out: list[str] = []
        inside = False
        for raw in self._ctl.stdout:
            text = raw.rstrip("\n")
            if not inside:
                inside = text.startswith("%begin")  # anything else is a notification
                continue
            if text.startswith(("%end", "%error")):
                if text.startswith("%error"):
                    raise RuntimeError(f"tmux: {line}: {' '.join(out)}")
                return out
            out.append(text)
        raise RuntimeError("the tmux control client went away")

    def time(
        self,
        argv: Sequence[str],
        checks: Sequence[Check],
        timeout: float = 60.0,
        env: Mapping[str, str] | None = None,
        watch: Callable[[int], object] | None = None,
    ) -> list[float]:
        """Spawn argv (with these environment variables set); seconds until each check (in order) first holds on
        the screen. Kills the program after. ``watch`` is given the program's pid at every look at the screen."""
        self._runs += 1
        name = f"run{self._runs}"
        # as installed software runs: with its bytecode cache (some shells export PYTHONDONTWRITEBYTECODE=1,
        # which would make every launch compile the project from source while Textual's own .pyc files load)
        extra = [f"{key}={value}" for key, value in (env or {}).items()]
        words = ["env", "-u", "PYTHONDONTWRITEBYTECODE", "TERM=xterm-256color", "LANG=C.UTF-8", *extra, *argv]
        spawn = f"new-session -d -s {name} -x {self.cols} -y {self.rows} -P -F '#{{pane_pid}}' " + " ".join(
            shlex.quote(word) for word in words
        )
        times: list[float] = []
        start = time.perf_counter()
        pid = int(self.command(spawn)[0])
        try:
            pending = list(checks)
            screen = ""
            while pending:
                if watch is not None:
                    watch(pid)
                screen = "\n".join(self.command(f"capture-pane -p -t {name}"))
                now = time.perf_counter() - start
                while pending and pending[0](screen):
                    times.append(now)
                    pending.pop(0)
                if now > timeout:
                    raise TimeoutError(f"{argv[0]}: gave up after {timeout:.0f} s; the screen was:\n{screen}")
                time.sleep(0.005)
        finally:
            self.command(f"kill-session -t {name}")
            _wait_gone(pid)
        return times

    def close(self) -> None:
        try:
            self.command("kill-session -t keeper")  # the last session: the server exits with it
        except RuntimeError:
            pass
        self._ctl.wait(timeout=10)
        shutil.rmtree(self._dir, ignore_errors=True)


def _wait_gone(pid: int, timeout: float = 10.0) -> None:
    """Wait until the spawned program has exited, so it does not eat the next run's CPU."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
