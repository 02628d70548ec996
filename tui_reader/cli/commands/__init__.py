"""The subcommands: one module each, named after the command, defining ``COMMAND = Command(...)``. Their list,
in order, is tui_reader.cli.registry.SUBCOMMANDS; this package is imported only when a subcommand runs.

(A loaded command module becomes an attribute of this package, ``list`` among them: code here must not use
the builtin of that name.)
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str  # what is typed: `tui-reader NAME ...`
    help: str  # its line in `tui-reader --help`
    add_arguments: Callable[[argparse.ArgumentParser], None]  # onto the command's own parser
    run: Callable[[argparse.Namespace], int]  # the handler: the exit status (failures: see common.exit_status)
    description: str | None = None  # the top of `tui-reader NAME --help` (default: none)
