"""Running a program in the terminal the reader steps aside from (the note in the user's own editor)."""

from __future__ import annotations

from textual.app import App

__all__ = ["run_outside"]


def run_outside(app: App[object], command: list[str]) -> int | None:
    """Run ``command`` with the terminal its own while the app is suspended (App.suspend); its exit status, or
    None where the app cannot step aside (no real terminal). A failure to start it is raised once the app is
    back."""
    import subprocess

    from textual.app import SuspendNotSupported

    failed: Exception | None = None
    try:
        with app.suspend():
            try:
                return subprocess.run(command, check=False).returncode
            except Exception as exc:  # App.suspend resumes only when its block ends without one
                failed = exc
    except SuspendNotSupported:
        return None
    raise failed
