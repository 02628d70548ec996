"""Launching the reader (`tui-reader [PATH ...]`): what happens before the reader opens."""

from __future__ import annotations

import contextlib
import io

from hypothesis import given
from hypothesis import strategies as st

from tui_reader.cli import main
from tui_reader.cli.launch import quick_launch_args
from tui_reader.cli.parser import build_launch_parser


def test_a_launch_that_fails_before_the_reader_opens_leaves_garbage_collection_on(tmp_path, capsys):
    import gc

    missing = tmp_path / "nowhere.txt"
    assert main([str(missing)]) == 2  # the reader's launch, not `list`
    assert capsys.readouterr().err.splitlines() == [f"tui-reader: error: {missing}: no such file or directory"]
    assert gc.isenabled()
    (tmp_path / "empty").mkdir()
    assert main([str(tmp_path / "empty")]) == 1
    assert gc.isenabled()


# --- the command line read without argparse: the same arguments as the parser, or none at all -----------------

WORD = st.text(st.characters(exclude_categories=("Cs",)), max_size=6)  # paths, values, anything typed
PATH = WORD.filter(lambda w: not w.startswith("-"))
OPTION = st.sampled_from(["--data-dir", "--data-dir=x", "--data", "-h", "--help", "--version", "--", "-", "-1"])
QUICK_FORMS = st.builds(  # what people type: [--data-dir DIR] PATH... or PATH... [--data-dir DIR]
    lambda paths, data_dir, first: (
        paths if data_dir is None else (["--data-dir", data_dir, *paths] if first else [*paths, "--data-dir", data_dir])
    ),
    st.lists(PATH, max_size=4),
    st.none() | PATH,
    st.booleans(),
)
NEAR_MISSES = st.builds(  # --data-dir anywhere, with any value (or none), among paths and options
    lambda before, value, after: [*before, "--data-dir", *value, *after],
    st.lists(PATH | OPTION, max_size=3),
    st.lists(WORD | OPTION | PATH, max_size=1),
    st.lists(PATH | OPTION, max_size=3),
)
MISPLACED = st.builds(  # --data-dir between paths (argparse refuses), or given a value that looks like an option
    lambda before, value, after: [*before, "--data-dir", value, *after],
    st.lists(PATH, max_size=2),
    PATH | WORD.map(lambda w: "-" + w),
    st.lists(PATH, max_size=2),
)
LINES = st.lists(WORD | OPTION | WORD.map(lambda w: "-" + w), max_size=6)


def parsed(argv):
    """argparse's reading of a launch command line, or None where it stops (an error, --help, --version)."""
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            args = build_launch_parser().parse_args(argv)
    except SystemExit:
        return None
    return (args.paths, args.data_dir)


@given(st.one_of(QUICK_FORMS, MISPLACED, NEAR_MISSES, LINES))
def test_the_quick_reading_of_the_command_line_gives_what_argparse_gives_or_leaves_it_to_argparse(argv):
    quick = quick_launch_args(argv)
    if quick is not None:
        assert (quick.paths, quick.data_dir) == parsed(argv)


@given(QUICK_FORMS)
def test_the_forms_people_type_are_read_without_argparse(argv):
    quick = quick_launch_args(argv)
    assert quick is not None and (quick.paths, quick.data_dir) == parsed(argv)
