"""``tui-reader sync``: one exchange of marks, notes and tags with other machines through the sync folder."""

from __future__ import annotations

import argparse
import sys

from tui_reader.cli.commands import Command
from tui_reader.cli.common import UsageError, fail, not_saved, open_store, path_arg, warn
from tui_reader.cli.parser import add_data_dir
from tui_reader.config import load_config


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sync-dir", type=path_arg, metavar="DIR", help="the sync folder (default: sync_dir in config.toml)"
    )
    add_data_dir(parser)


def run(args: argparse.Namespace) -> int:
    """One exchange through the sync folder; 'sent N changes, received M' on stderr."""
    from tui_reader.sync import SyncError, sync_once

    sync_dir = args.sync_dir
    if sync_dir is None:
        config = load_config()
        for message in config.warnings:
            warn(message)
        sync_dir = config.sync_dir
    if sync_dir is None:
        raise UsageError("no sync folder: set sync_dir in config.toml or give --sync-dir DIR")
    with open_store(args.data_dir) as store:
        if store.read_only:
            return fail(not_saved("nothing synced: marks", store), 1)
        try:
            result = sync_once(store, sync_dir)
        except SyncError as exc:
            return fail(str(exc), 1)
    for message in result.warnings:
        warn(message)
    print(result.summary(), file=sys.stderr)
    return 0


COMMAND = Command(
    "sync",
    "exchange marks, notes and tags with other machines once, through the sync folder",
    add_arguments,
    run,
    description="Append this machine's changes to its log in the sync folder and take the other machines' "
    "(sync_dir in config.toml, or --sync-dir). Says 'sent N changes, received M' on stderr.",
)
