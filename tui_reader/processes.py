"""Processes of our own for the heavy first-time work of a big corpus (importing its parts, building its index):
they use the other cores, keep their memory out of the reader's, and end with the reader.

``start`` runs ``python -P -m MODULE ARGS`` with the package it runs from first on the path (``-P``: not the
folder the reader was started in, which may hold another ``tui_reader``, another version's or anyone's); the child calls
``exit_with_parent`` first thing: it exits as soon as its standard input closes (the reader ended or killed it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

__all__ = ["end", "exit_with_parent", "start"]


def start(module: str, *args: str) -> subprocess.Popen[bytes]:
    """``python -m module args``, its output a pipe, its errors dropped (it reports through its output)."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
    return subprocess.Popen(
        [sys.executable, "-P", "-m", module, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )


def end(process: subprocess.Popen[bytes]) -> None:
    """Stop the process if it still runs, and reap it."""
    if process.poll() is None:
        process.kill()
    process.wait()
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            stream.close()


def exit_with_parent() -> None:
    """Exit at once when the parent goes (its end of our standard input closes)."""

    def watch() -> None:
        try:
            while sys.stdin.buffer.read(1 << 16):
                pass
        finally:
            os._exit(3)

    threading.Thread(target=watch, name="parent", daemon=True).start()
