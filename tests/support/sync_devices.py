"""Devices of the sync tests: data folders with a device id of the test's choosing, so logs have known names."""

from __future__ import annotations

from pathlib import Path

from tui_reader.sync import DEVICE_FILE


def device_dir(root: Path, name: str) -> Path:
    """``root/data-<name>``, a fresh data folder whose device id is ``name``."""
    data = root / f"data-{name}"
    data.mkdir(parents=True)
    (data / DEVICE_FILE).write_text(name + "\n")
    return data
