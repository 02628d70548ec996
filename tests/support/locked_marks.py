"""Another program holding the marks file's write lock: what the saver and the killed-process tests wait
against."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tui_reader.library import DB_NAME


class Lock:
    """Another program holding the marks file's write lock."""

    def __init__(self, data_dir: Path) -> None:
        self.conn: sqlite3.Connection | None = sqlite3.connect(
            data_dir / DB_NAME, isolation_level=None, check_same_thread=False
        )
        self.conn.execute("BEGIN EXCLUSIVE")

    def release(self) -> None:
        if self.conn is not None:
            self.conn.execute("ROLLBACK")
            self.conn.close()
            self.conn = None
