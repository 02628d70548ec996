"""Command line entry point: ``tui-reader [PATH ...]`` launches the reader; subcommands serve scripts.

Every failure a user can cause ends in one line on stderr and an exit status, never a traceback:
exit 1 when there is nothing to show, exit 2 for bad usage (a missing path, an unknown id).

The rooms: ``parser`` builds the argparse parsers, ``launch`` opens the reader, ``registry`` lists the
subcommands, ``commands/<name>.py`` is one subcommand each, ``common`` holds what they share and ``selection``
which papers `list` and `export` give.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence

from tui_reader.cli.registry import SUBCOMMANDS, command

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        from tui_reader.cli.common import exit_status
        from tui_reader.cli.parser import build_parser

        args = build_parser().parse_args(argv)
        return exit_status(command(args.command).run, args)
    # Until the reader's first frame is up, Python only allocates what lives on (Textual's ~300 modules, ours, the
    # papers, the widgets), so cyclic garbage collection finds nothing: it would cost ~20 ms of the start-up, about
    # 8% of it. Off from here, before the launch's own imports; the app turns it back on after its first frame
    # (ReaderApp.first_frame_shown), and it is back on when the launch ends whatever happened.
    gc.disable()
    try:
        from tui_reader.cli.common import exit_status
        from tui_reader.cli.launch import LaunchArgs, cmd_launch, quick_launch_args

        launch_args: LaunchArgs | None = quick_launch_args(argv)
        if launch_args is None:
            from tui_reader.cli.parser import build_launch_parser

            launch_args = build_launch_parser().parse_args(argv)
        return exit_status(cmd_launch, launch_args)
    finally:
        gc.enable()
