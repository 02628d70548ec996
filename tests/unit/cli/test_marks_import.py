"""The command line (`tui_reader.cli.main`, and the installed command in a subprocess): `marks import` refuses any
bad input in one line (exit 2, nothing imported), `marks export` replaces only a regular file, atomically, through
symlinks; then `list`, `mark`, a marks backup from one data dir to another, and `list --query`."""

from __future__ import annotations

import errno
import io
import json
import os
import re
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import HEADER, S0, SEEDS, asides, page, random_bytes, write
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tui_reader import cli
from tui_reader.cli import SUBCOMMANDS, main
from tui_reader.corpus import cache_dir, paper_id
from tui_reader.store import DB_NAME, MarkStore, default_data_dir

GOOD = {"id": "good", "read": True, "read_at": 1_700_000_000.0}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def stored(data_dir: Path) -> dict:
    with MarkStore.open(data_dir) as store:
        return store.all()


def one_error_line(err: str, name: object) -> str:
    """The single stderr line, checked to be `tui-reader: error: NAME: problem`; returns the problem."""
    assert err.count("\n") == 1 and err.endswith("\n"), err
    prefix = f"tui-reader: error: {name}: "
    assert err.startswith(prefix), err
    return err[len(prefix) : -1]


def after_a_good_mark(bad_record: str) -> bytes:
    """A file whose first mark is fine and whose second is not: the first must not be imported either."""
    return f"[{json.dumps(GOOD)}, {bad_record}]".encode()


# ---------------------------------------------------------------------------------------------------------
# marks import: bad input


@pytest.mark.parametrize(
    "content, problem",
    [
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "nested too deeply", id="nested-100k"),
        pytest.param(b'[{"id": "x", "note": ' + b"[" * 100_000, "nested too deeply", id="nested-unclosed"),
        pytest.param(after_a_good_mark('{"id": "p", "read_at": 1%s}' % ("0" * 399)), "400-digit", id="400-digits"),
        pytest.param(after_a_good_mark('{"id": "p", "read_at": 1%s}' % ("0" * 4999)), "5000-digit", id="5000-digits"),
        pytest.param(after_a_good_mark('{"id": "p", "x": 1%s}' % ("0" * 4999)), "5000-digit", id="5000-digits-unused"),
        pytest.param(after_a_good_mark('{"id": "p", "read_at": NaN}'), "NaN is not valid JSON", id="NaN"),
        pytest.param(after_a_good_mark('{"id": "p", "read_at": Infinity}'), "Infinity is not", id="Infinity"),
        pytest.param(after_a_good_mark('{"id": "p", "read_at": -Infinity}'), "-Infinity is not", id="-Infinity"),
        pytest.param(after_a_good_mark('{"id": "p", "read_at": 1e400}'), "out of range", id="1e400"),
        pytest.param(after_a_good_mark('{"id": "p", "read_at": 31556952000000}'), "1970 to 9999", id="year-1e6"),
        pytest.param(after_a_good_mark('{"id": "p", "starred_at": -1}'), "1970 to 9999", id="before-1970"),
        pytest.param(after_a_good_mark('{"id": "p", "read_at": "noon"}'), "not a string", id="time-string"),
        pytest.param(after_a_good_mark('{"id": 5}'), "not a paper id: 5", id="id-number"),
        pytest.param(after_a_good_mark('{"id": null}'), "not a paper id: null", id="id-null"),
        pytest.param(after_a_good_mark('{"id": true}'), "not a paper id: true", id="id-bool"),
        pytest.param(after_a_good_mark('{"id": {"a": 1}}'), "not a paper id: an object", id="id-object"),
        pytest.param(after_a_good_mark('{"id": %s}' % ("[" * 500 + "]" * 500)), "an array", id="id-deep-array"),
        pytest.param(after_a_good_mark('{"id": "%s"}' % ("x" * 1_000_000)), "1000000 characters", id="id-1MB"),
        pytest.param(after_a_good_mark('{"read": true}'), "no paper id", id="no-id"),
        pytest.param(after_a_good_mark('{"id": "p", "read": "%s"}' % ("y" * 10**6)), "read must be", id="flag-1MB"),
        pytest.param(after_a_good_mark('{"id": "p", "id": "q"}'), "key 'id' twice", id="key-twice"),
        pytest.param(after_a_good_mark("7"), "mark #2: not an object", id="record-number"),
        pytest.param(b'{"id": "p", "read": true}', "array of marks, not an object", id="top-object"),
        pytest.param(b'"marks"', "array of marks, not 'marks'", id="top-string"),
        pytest.param(b"\xef\xbb\xbf" + after_a_good_mark("[]"), "mark #2", id="BOM-then-bad"),
        pytest.param(b'[{"id": "caf\xe9"}]', "not UTF-8", id="latin-1"),
        pytest.param(b"\xff\xfe[\x00]\x00", "not UTF-8", id="utf-16"),
        pytest.param(b"", "empty", id="empty"),
        pytest.param(b" \n\t\n", "empty", id="blank"),
        pytest.param(b"[1, 2", "invalid JSON at line 1", id="truncated"),
    ],
)
def test_bad_import_is_one_line_exit_2_and_imports_nothing(tmp_path, data_dir, capsys, content, problem):
    path = tmp_path / "backup.json"
    path.write_bytes(content)
    status, out, err = run(capsys, "marks", "import", str(path), "--data-dir", str(data_dir))
    assert (status, out) == (2, "")
    message = one_error_line(err, path)
    assert problem in message and len(message) < 150
    assert stored(data_dir) == {}


def test_import_of_a_file_bigger_than_any_export_is_refused_unread(tmp_path, data_dir, capsys, monkeypatch):
    import tui_reader.cli as cli

    monkeypatch.setattr(cli, "MAX_IMPORT_BYTES", 1000)
    path = tmp_path / "big.json"
    path.write_text(json.dumps([{"id": f"p{i}", "read": True} for i in range(100)]))
    status, out, err = run(capsys, "marks", "import", str(path), "--data-dir", str(data_dir))
    assert (status, out) == (2, "") and "too big" in one_error_line(err, path)
    assert stored(data_dir) == {}


def test_import_accepts_a_byte_order_mark_and_merges_repeated_ids(tmp_path, data_dir, capsys):
    path = tmp_path / "backup.json"
    records = [{"id": "p", "read": True, "read_at": 200.0}, {"id": "p", "read": False, "read_at": 100.0}]
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(records).encode())
    status, out, err = run(capsys, "marks", "import", str(path), "--data-dir", str(data_dir))
    assert (status, err) == (0, "") and out == f"2 marks read from {path}, 1 changed\n"
    assert stored(data_dir)["p"].read is True  # the later change of the two, not the last record


def test_import_names_the_file_safely(tmp_path, data_dir, capsys):
    path = tmp_path / "evil\x1b]0;pwned\x07\nname.json"
    path.write_text(json.dumps([GOOD]))
    status, out, err = run(capsys, "marks", "import", str(path), "--data-dir", str(data_dir))
    assert (status, err) == (0, "") and out == f"1 mark read from {tmp_path / 'evil name.json'}, 1 changed\n"
    path.write_text("{")
    status, _, err = run(capsys, "marks", "import", str(path), "--data-dir", str(data_dir))
    assert status == 2 and "\x1b" not in err and "\x07" not in err
    one_error_line(err, tmp_path / "evil name.json")


def test_a_directory_or_device_is_not_imported(tmp_path, data_dir, capsys):
    for path, kind in ((tmp_path, "a directory"), (Path("/dev/zero"), "a device")):  # /dev/zero never ends
        status, out, err = run(capsys, "marks", "import", str(path), "--data-dir", str(data_dir))
        assert (status, out) == (2, "") and one_error_line(err, path).startswith(f"{kind}, not a file to import")


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path, data_dir):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    command = [sys.executable, "-m", "tui_reader", "marks", "import", str(fifo), "--data-dir", str(data_dir)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=tmp_path)  # hangs: fails
    assert (done.returncode, done.stdout) == (2, "")
    assert one_error_line(done.stderr, fifo).startswith("a FIFO, not a file to import (give - to read stdin)")


def test_a_missing_file_is_one_line(tmp_path, data_dir, capsys):
    path = tmp_path / "nowhere.json"
    status, _, err = run(capsys, "marks", "import", str(path), "--data-dir", str(data_dir))
    assert status == 2 and one_error_line(err, path) == "cannot read (No such file or directory)"


def test_import_from_stdin(data_dir, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps([GOOD]).encode())))
    assert run(capsys, "marks", "import", "-", "--data-dir", str(data_dir)) == (
        0,
        "1 mark read from stdin, 1 changed\n",
        "",
    )
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"[" * 50_000)))
    status, out, err = run(capsys, "marks", "import", "-", "--data-dir", str(data_dir))
    assert (status, out) == (2, "") and one_error_line(err, "stdin") == "not a marks export (nested too deeply)"
    assert set(stored(data_dir)) == {"good"}


def test_a_file_named_stdin_is_a_file(tmp_path, data_dir, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("stdin").write_text(json.dumps([GOOD]))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"not read")))
    assert run(capsys, "marks", "import", "stdin", "--data-dir", str(data_dir)) == (
        0,
        "1 mark read from stdin, 1 changed\n",
        "",
    )


# ---------------------------------------------------------------------------------------------------------
# marks import: anything at all


_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**700), max_value=10**700)
    | st.floats()  # NaN and infinities become NaN / Infinity literals
    | st.text(max_size=30)
)
_json_values = st.recursive(
    _scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
)
_digits = st.sampled_from([1, 10, 11, 12, 19, 20, 308, 309, 400, 640, 641, 700])  # around each limit
_long_ints = st.tuples(_digits, st.booleans()).map(lambda t: (10 ** t[0] - 1) * (-1 if t[1] else 1))
_times = st.none() | st.floats(0, 2e9) | st.integers(0, 253_402_300_799)
_good_records = st.fixed_dictionaries(
    {"id": st.from_regex(r"[a-z0-9.]{1,12}", fullmatch=True)},
    optional={"read": st.booleans(), "starred": st.booleans(), "read_at": _times, "starred_at": _times},
)
_wild = _long_ints | st.floats() | st.integers(-(10**12), 10**20) | st.text(max_size=12) | _json_values
_broken_records = st.tuples(  # a good record with one field (or an extra one) set to anything
    _good_records, st.sampled_from(["id", "read", "starred", "read_at", "starred_at", "other"]), _wild
).map(lambda t: {**t[0], t[1]: t[2]})
_records = st.lists(_good_records | _broken_records, min_size=1, max_size=4)  # the check of each field is reached


def _import_never_breaks(tmp_path: Path, capsys, content: bytes) -> None:
    path = tmp_path / "input.json"
    path.write_bytes(content)
    status, out, err = run(capsys, "marks", "import", str(path), "--data-dir", str(tmp_path / "marks"))
    assert status in (0, 2), err
    assert err.count("\n") <= 1 and (status == 0) == (err == "")
    if status == 2:  # one short line: the problem is described in a few words, not echoed (the path aside)
        assert out == "" and len(err.replace(str(path), "FILE")) < 200


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=_json_values)
def test_any_json_value_imports_or_is_one_line(tmp_path, capsys, value):
    _import_never_breaks(tmp_path, capsys, json.dumps(value).encode())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=_records)
@example(records=[{"id": "p", "read_at": 10**400}])  # the classes of issue 9, always tried
@example(records=[{"id": "p", "starred_at": -(10**639)}])
@example(records=[{"id": "p", "read_at": float("nan")}])
@example(records=[{"id": [[[[[]]]]] * 3}])
def test_any_export_shaped_records_import_or_are_one_line(tmp_path, capsys, records):
    _import_never_breaks(tmp_path, capsys, json.dumps(records).encode())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=200))
def test_any_bytes_import_or_are_one_line(tmp_path, capsys, content):
    _import_never_breaks(tmp_path, capsys, content)


# ---------------------------------------------------------------------------------------------------------
# marks export


@pytest.fixture
def marked(data_dir: Path) -> Path:
    """A data dir with one mark (what `exported` gives is its export)."""
    with MarkStore.open(data_dir) as store:
        store.set_starred("p1", True)
    return data_dir


def exported(data_dir: Path) -> str:
    with MarkStore.open(data_dir) as store:
        return json.dumps(store.export(), ensure_ascii=False, indent=1) + "\n"


def partials(folder: Path) -> list[str]:
    return [name for name in os.listdir(folder) if name.endswith(".partial")]


def test_export_replaces_the_file_atomically(tmp_path, marked, capsys):
    backup = tmp_path / "backup.json"
    backup.write_text("the old backup\n")
    before = backup.stat().st_ino
    with open(backup) as reader_of_the_old_file:
        assert run(capsys, "marks", "export", str(backup), "--data-dir", str(marked)) == (0, "", "")
        assert reader_of_the_old_file.read() == "the old backup\n"  # not written in place
    assert backup.stat().st_ino != before
    assert backup.read_text() == exported(marked) and partials(tmp_path) == []


def test_export_through_symlinks_replaces_the_target_and_keeps_the_links(tmp_path, marked, capsys):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "backup.json"
    target.write_text("old")
    os.chmod(target, 0o600)
    link = tmp_path / "link.json"
    link.symlink_to(Path("real") / "backup.json")  # relative, as `ln -s` makes them
    chain = tmp_path / "chain.json"
    chain.symlink_to(link)
    assert run(capsys, "marks", "export", str(chain), "--data-dir", str(marked)) == (0, "", "")
    assert os.readlink(chain) == str(link) and os.readlink(link) == str(Path("real") / "backup.json")
    assert target.read_text() == exported(marked) and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert partials(tmp_path) == [] and partials(tmp_path / "real") == []


def test_export_through_a_dangling_symlink_creates_its_target(tmp_path, marked, capsys):
    link = tmp_path / "link.json"
    link.symlink_to("backup.json")
    assert run(capsys, "marks", "export", str(link), "--data-dir", str(marked)) == (0, "", "")
    assert link.is_symlink() and (tmp_path / "backup.json").read_text() == exported(marked)


def _make_fifo(path: Path) -> None:
    os.mkfifo(path)


def _make_socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
    except OSError as exc:  # a path too long for a socket address
        pytest.skip(f"cannot make a socket here: {exc}")
    finally:
        server.close()


def _make_device(path: Path) -> None:
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a second /dev/null, harmless if replaced
    except PermissionError:
        pytest.skip("making a device node needs root")


@pytest.mark.parametrize(
    "make, kind, is_kind",
    [
        (_make_fifo, "a FIFO", stat.S_ISFIFO),
        (Path.mkdir, "a directory", stat.S_ISDIR),
        (_make_socket, "a socket", stat.S_ISSOCK),
        (_make_device, "a device", stat.S_ISCHR),
    ],
)
@pytest.mark.parametrize("through_a_link", [False, True])
def test_export_never_replaces_what_is_not_a_regular_file(
    tmp_path, marked, capsys, make, kind, is_kind, through_a_link
):
    node = tmp_path / "node"
    make(node)
    before = os.lstat(node)
    given = node
    if through_a_link:
        given = tmp_path / "link"
        given.symlink_to(node)
    status, out, err = run(capsys, "marks", "export", str(given), "--data-dir", str(marked))
    assert (status, out) == (2, "")
    assert one_error_line(err, given) == f"cannot write ({kind}, not a regular file)"
    after = os.lstat(node)
    assert is_kind(after.st_mode) and after.st_ino == before.st_ino
    assert not through_a_link or given.is_symlink()
    assert partials(tmp_path) == []


@pytest.mark.parametrize("old_mode, umask", [(0o600, 0o000), (0o644, 0o077), (0o640, 0o022)])
def test_export_keeps_the_mode_of_the_file_it_replaces(tmp_path, marked, capsys, old_mode, umask):
    backup = tmp_path / "backup.json"
    backup.write_text("old")
    os.chmod(backup, old_mode)
    previous = os.umask(umask)
    try:
        assert run(capsys, "marks", "export", str(backup), "--data-dir", str(marked)) == (0, "", "")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(backup.stat().st_mode) == old_mode and backup.read_text() == exported(marked)


def test_a_new_export_file_gets_the_umask_mode(tmp_path, marked, capsys):
    previous = os.umask(0o027)
    try:
        assert run(capsys, "marks", "export", str(tmp_path / "new.json"), "--data-dir", str(marked))[0] == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o640


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _half_then_disk_full(real_write):
    def write(fd, data):
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    return write


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_a_failing_export_leaves_the_old_backup_whole_and_no_partial_file(
    tmp_path, marked, capsys, monkeypatch, failing
):
    backup = tmp_path / "backup.json"
    backup.write_text("the old backup\n")
    broken = _half_then_disk_full(os.write) if failing == "write" else _disk_full
    monkeypatch.setattr(os, failing, broken)
    status, out, err = run(capsys, "marks", "export", str(backup), "--data-dir", str(marked))
    monkeypatch.undo()
    assert (status, out) == (2, "")
    assert one_error_line(err, backup) == "cannot write (No space left on device)"
    assert backup.read_text() == "the old backup\n" and partials(tmp_path) == []


def test_an_export_interrupted_mid_write_leaves_no_partial_file(tmp_path, marked, capsys, monkeypatch):
    backup = tmp_path / "backup.json"
    backup.write_text("the old backup\n")

    def interrupted(fd, data):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "write", interrupted)
    status = main(["marks", "export", str(backup), "--data-dir", str(marked)])
    monkeypatch.undo()
    assert status == 130 and backup.read_text() == "the old backup\n" and partials(tmp_path) == []


def test_export_syncs_the_data_before_the_rename(tmp_path, marked, capsys, monkeypatch):
    calls = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        calls.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src, dst):
        calls.append(("replace", str(dst)))
        real_replace(src, dst)

    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc to name a file descriptor")
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    backup = tmp_path / "backup.json"
    assert run(capsys, "marks", "export", str(backup), "--data-dir", str(marked)) == (0, "", "")
    monkeypatch.undo()
    mine = [(what, Path(name).name if what == "fsync" else name) for what, name in calls if str(tmp_path) in name]
    assert [what for what, _ in mine[:2]] == ["fsync", "replace"] and mine[0][1].endswith(".partial")
    assert mine[1] == ("replace", str(backup))


def test_export_over_the_marks_file_itself_is_refused(marked, capsys):
    marks_file = marked / DB_NAME
    status, out, err = run(capsys, "marks", "export", str(marks_file), "--data-dir", str(marked))
    assert (status, out) == (2, "") and "the marks file itself" in one_error_line(err, marks_file)
    assert stored(marked)["p1"].starred


def test_export_into_a_missing_folder_is_one_line(tmp_path, marked, capsys):
    path = tmp_path / "no" / "backup.json"
    status, _, err = run(capsys, "marks", "export", str(path), "--data-dir", str(marked))
    assert status == 2 and one_error_line(err, path) == "cannot write (No such file or directory)"


# ---------------------------------------------------------------------------------------------------------
# list: the corpus, bad input as a user sees it, damaged and uncreatable data dirs, the installed command

KEYS = [
    "id",
    "title",
    "abstract",
    "dates",
    "sources",
    "links",
    "read",
    "starred",
    "arxiv_id",
    "authors",
    "published",
    "upvotes",
    "tags",
    "note",
]


def test_list_json_has_exactly_the_documented_keys(capsys):
    assert main(["list", "--format", "json", str(SEEDS)]) == 0
    out = capsys.readouterr()
    records = json.loads(out.out)
    assert len(records) == 211
    for record in records:
        assert list(record) == KEYS
        assert re.fullmatch(r"[0-9a-f]{12}", record["id"])
        assert isinstance(record["title"], str) and record["title"]
        assert isinstance(record["abstract"], str)
        for key in ("dates", "sources", "links"):
            assert isinstance(record[key], list) and all(isinstance(x, str) for x in record[key])
        assert isinstance(record["read"], bool) and isinstance(record["starred"], bool)
    assert records[0]["title"] == "RLIF: Interactive Imitation Learning as Reinforcement Learning"
    assert records[0]["dates"] == ["Mar 11"] and records[0]["sources"] == [S0]


def test_list_text_is_one_line_per_paper(capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 211
    assert lines[0].startswith(paper_id("RLIF: Interactive Imitation Learning as Reinforcement Learning"))
    assert lines[0].endswith("RLIF: Interactive Imitation Learning as Reinforcement Learning")


def test_empty_and_binary_files_are_warned_and_skipped(tmp_path, capsys):
    empty = write(tmp_path / "empty.txt", "")
    blank = write(tmp_path / "blank.txt", "\n \n\t\n")
    binary = write(tmp_path / "blob.txt", bytes(range(256)) * 4)
    good = write(tmp_path / "good.txt", page("Mar 11", "Good Paper", "Good abstract."))
    assert main(["list", str(empty), str(blank), str(binary), str(good)]) == 0
    out = capsys.readouterr()
    (line,) = out.out.splitlines()
    assert line.startswith(paper_id("Good Paper")) and line.endswith("Good Paper")
    warnings = out.err.splitlines()
    assert len(warnings) == 3
    for path, line in zip((empty, blank, binary), warnings):
        assert line.startswith("tui-reader: warning: ") and str(path) in line and "skipped" in line
    assert "binary" in warnings[2]
    assert "Traceback" not in out.err


def test_missing_path_exits_2_with_one_line(tmp_path, capsys):
    missing = tmp_path / "nowhere.txt"
    assert main(["list", str(SEEDS), str(missing)]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.splitlines() == [f"tui-reader: error: {missing}: no such file or directory"]


def test_a_launch_that_fails_before_the_reader_opens_leaves_garbage_collection_on(tmp_path, capsys):
    import gc

    missing = tmp_path / "nowhere.txt"
    assert main([str(missing)]) == 2  # the reader's launch, not `list`
    assert capsys.readouterr().err.splitlines() == [f"tui-reader: error: {missing}: no such file or directory"]
    assert gc.isenabled()
    (tmp_path / "empty").mkdir()
    assert main([str(tmp_path / "empty")]) == 1
    assert gc.isenabled()


def test_no_papers_exits_1_with_a_clear_message(tmp_path, capsys):
    header_only = write(tmp_path / "header.txt", HEADER + "Mar 11\n")
    assert main(["list", str(header_only)]) == 1
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.splitlines() == [
        f"tui-reader: warning: {header_only}: no papers found; skipped",
        f"tui-reader: error: no papers found in {header_only}",
    ]
    assert main(["list", str(tmp_path / "empty-dir")]) == 2  # does not exist
    (tmp_path / "empty-dir").mkdir()
    assert main(["list", str(tmp_path / "empty-dir")]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == f"tui-reader: error: no papers found in {tmp_path / 'empty-dir'}"


def _console_script() -> Path:
    script = Path(sys.executable).parent / "tui-reader"
    if not script.exists():
        pytest.skip("tui-reader console script is not installed next to this interpreter")
    return script


def test_real_console_script_from_another_directory(tmp_path):
    script = _console_script()
    listing = subprocess.run([script, "list"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert listing.returncode == 0, listing.stderr
    assert len(listing.stdout.splitlines()) == 211
    assert listing.stderr == ""

    missing = subprocess.run([script, "list", "nowhere.txt"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == "tui-reader: error: nowhere.txt: no such file or directory\n"

    write(tmp_path / "blob.txt", b"\x00\xff" * 100)
    empty = subprocess.run([script, "list", "blob.txt"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert empty.returncode == 1
    assert empty.stderr.splitlines() == [
        "tui-reader: warning: blob.txt: binary file, not a text dump; skipped",
        "tui-reader: error: no papers found in blob.txt",
    ]


def test_cli_list_after_a_damaged_file_works_and_says_where_it_went(data_dir, capsys):
    random_bytes(data_dir / DB_NAME)
    status, out, err = run(capsys, "list", "--format", "json", "--data-dir", str(data_dir))
    [aside] = asides(data_dir)
    assert status == 0 and json.loads(out)
    assert err.count("\n") == 1 and str(aside) in err


def test_the_installed_command_on_an_uncreatable_data_dir_prints_no_traceback(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = subprocess.run(
        [sys.executable, "-m", "tui_reader", "list", "--starred", "--data-dir", str(blocker / "x")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "marks will not be saved" in result.stderr


# ---------------------------------------------------------------------------------------------------------
# mark: marks from the command line, and where they go


def test_cli_mark_then_list_starred_json(seeds_corpus, data_dir, capsys):
    one, two = seeds_corpus.papers[3], seeds_corpus.papers[7]
    status, out, err = run(capsys, "mark", one.id, two.id, "--star", "--data-dir", str(data_dir))
    assert status == 0 and err == ""
    assert [line[:12] for line in out.splitlines()] == [one.id, two.id]
    status, out, _ = run(capsys, "list", "--starred", "--format", "json", "--data-dir", str(data_dir))
    listed = json.loads(out)
    assert [p["id"] for p in listed] == [one.id, two.id]
    assert all(p["starred"] and not p["read"] for p in listed)

    run(capsys, "mark", two.id, "--read", "--unstar", "--data-dir", str(data_dir))
    status, out, _ = run(capsys, "list", "--read", "--format", "json", "--data-dir", str(data_dir))
    assert [(p["id"], p["read"], p["starred"]) for p in json.loads(out)] == [(two.id, True, False)]
    status, out, _ = run(capsys, "list", "--unread", "--data-dir", str(data_dir))
    assert len(out.splitlines()) == len(seeds_corpus.papers) - 1
    assert f"{one.id}  *•" in out  # starred, unread


def test_cli_uses_the_xdg_data_dir_unless_given_one(seeds_corpus, data_dir, capsys):
    paper = seeds_corpus.papers[0]
    run(capsys, "mark", paper.id, "--star")
    assert (default_data_dir() / DB_NAME).is_file()
    _, out, _ = run(capsys, "list", "--starred", "--data-dir", str(data_dir))
    assert out == ""
    _, out, _ = run(capsys, "list", "--starred")
    assert out.startswith(paper.id)


def test_cli_mark_unknown_id_is_one_line_exit_2_and_marks_nothing(seeds_corpus, data_dir, capsys):
    known = seeds_corpus.papers[0].id
    status, out, err = run(capsys, "mark", known, "0123456789ab", "--read", "--data-dir", str(data_dir))
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "0123456789ab" in err and known not in err
    with MarkStore.open(data_dir) as store:
        assert store.all() == {}


def test_cli_mark_needs_an_action(seeds_corpus, data_dir, capsys):
    status, _, err = run(capsys, "mark", seeds_corpus.papers[0].id, "--data-dir", str(data_dir))
    assert status == 2 and err.count("\n") == 1 and "--star" in err


def test_cli_mark_takes_ids_from_another_corpus_and_keeps_marks_of_papers_not_listed(tmp_path, data_dir, capsys):
    dump = tmp_path / "dump.txt"
    dump.write_text("Mar 11\n\nA Paper Only Here\n\nIts abstract, long enough to be one.\n")
    _status, out, _ = run(capsys, "list", str(dump), "--format", "json")
    [paper] = json.loads(out)
    assert run(capsys, "mark", paper["id"], "--star", "--corpus", str(dump), "--data-dir", str(data_dir))[0] == 0
    assert run(capsys, "list", "--starred", "--data-dir", str(data_dir))[1] == ""  # not in the seeds
    _, out, _ = run(capsys, "marks", "export", "--data-dir", str(data_dir))
    assert [m["id"] for m in json.loads(out)] == [paper["id"]]


def test_cli_on_an_unwritable_data_dir_lists_and_refuses_to_pretend_it_marked(unwritable_dir, seeds_corpus, capsys):
    paper = seeds_corpus.papers[0]
    assert main(["list", "--data-dir", str(unwritable_dir), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert len(json.loads(out)) == len(seeds_corpus.papers)
    assert "not be saved" in err and "Traceback" not in err
    assert main(["mark", paper.id, "--read", "--data-dir", str(unwritable_dir)]) == 1
    out, err = capsys.readouterr()
    assert err.splitlines()[-1] == "tui-reader: error: marks not saved"
    backup = unwritable_dir.parent / "backup.json"
    backup.write_text(json.dumps([{"id": paper.id, "read": True, "read_at": 1.0}]))
    assert main(["marks", "import", str(backup), "--data-dir", str(unwritable_dir)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.splitlines()[-1] == "tui-reader: error: marks not saved"


# ---------------------------------------------------------------------------------------------------------
# marks backup: export here, import there


def test_cli_export_to_file_and_import_elsewhere(seeds_corpus, tmp_path, capsys):
    here, there = tmp_path / "here", tmp_path / "there"
    ids = [p.id for p in seeds_corpus.papers[:3]]
    run(capsys, "mark", *ids, "--read", "--data-dir", str(here))
    run(capsys, "mark", ids[1], "--star", "--data-dir", str(here))
    backup = tmp_path / "backup.json"
    assert run(capsys, "marks", "export", str(backup), "--data-dir", str(here)) == (0, "", "")
    status, out, _ = run(capsys, "marks", "import", str(backup), "--data-dir", str(there))
    assert status == 0 and out == f"3 marks read from {backup}, 3 changed\n"
    _, out, _ = run(capsys, "list", "--starred", "--format", "json", "--data-dir", str(there))
    assert [(p["id"], p["read"]) for p in json.loads(out)] == [(ids[1], True)]
    _, theirs, _ = run(capsys, "marks", "export", "--data-dir", str(there))
    assert json.loads(theirs) == json.loads(backup.read_text())


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "cannot read"),
        ("{not json", "invalid JSON at line 1"),
        ('[{"id": "p", "read": 1}]', "mark #1: read must be true or false"),
        (b"\xff\xfe[]", "not UTF-8"),
    ],
)
def test_cli_import_of_a_bad_file_is_one_line_exit_2(tmp_path, data_dir, capsys, content, message):
    path = tmp_path / "marks.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    status, out, err = run(capsys, "marks", "import", str(path), "--data-dir", str(data_dir))
    assert status == 2 and out == "" and err.count("\n") == 1
    assert message in err and str(path) in err


# ---------------------------------------------------------------------------------------------------------
# search from the command line: list --query


def test_cli_list_query_prints_ranked_results(capsys, data_dir):
    assert main(["list", "--query", "gausian proces", "--data-dir", str(data_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("Solving High Frequency and Multi-Scale PDEs with Gaussian Processes")
    assert len(lines) == 11


def test_cli_list_query_json_and_warning(capsys, data_dir):
    assert main(["list", "--query", '"neural tangent', "--format", "json", "--data-dir", str(data_dir)]) == 0
    out, err = capsys.readouterr()
    records = json.loads(out)
    assert records[0]["title"].startswith("Neural Tangent Kernel") and records[0]["read"] is False
    assert "unclosed quote" in err and err.count("\n") == 1


def test_cli_list_query_uses_marks(capsys, data_dir):
    assert main(["mark", "2e0170c1c245", "--star", "--data-dir", str(data_dir)]) == 0
    capsys.readouterr()
    assert main(["list", "--query", "is:starred", "--data-dir", str(data_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and "RLIF" in lines[0]
    assert main(["list", "--query", "nothing-matches-this-qqq", "--data-dir", str(data_dir)]) == 0
    assert capsys.readouterr().out == ""


def test_list_query_on_a_big_corpus_uses_the_cache(files, monkeypatch, count_builds, capsys):
    monkeypatch.setattr(cli, "STREAM_ABOVE_BYTES", 0)  # the seeds count as big
    for _ in range(2):
        assert main(["list", "--query", "schrodinger"]) == 0
        assert "Light Schrödinger Bridge" in capsys.readouterr().out
    assert len(count_builds) == 1
    assert len(list(cache_dir("index").glob("*.pickle"))) == 1


# ---------------------------------------------------------------------------------------------------------
# list --sort


def test_list_sort_orders_by_date_upvotes_and_title(tmp_path, data_dir, capsys):
    def item(title: str, listed: str | None, upvotes: int) -> dict[str, object]:
        paper = {"id": f"2403.{len(title):05d}", "title": title, "summary": "s", "authors": [], "upvotes": upvotes}
        return {"paper": paper, "publishedAt": listed, "title": title}

    listing = [item("beta", "2024-03-11T09:00:00.000Z", 5), item("Alpha", "2024-03-12T09:00:00.000Z", 1)]
    write(tmp_path / "listing.json", json.dumps(listing))
    write(tmp_path / "dump.txt", page("Mar 9", "Zed undated paper\n\nAn abstract that is long enough to keep."))

    def order(sort: str) -> list[str]:
        assert main(["list", str(tmp_path), "--sort", sort, "--format", "json", "--data-dir", str(data_dir)]) == 0
        return [record["title"] for record in json.loads(capsys.readouterr().out)]

    assert order("relevance") == ["Zed undated paper", "beta", "Alpha"]  # as listed: dump.txt, then listing.json
    assert order("newest") == ["Alpha", "beta", "Zed undated paper"]  # a year-less date sorts after dated ones
    assert order("oldest") == ["beta", "Alpha", "Zed undated paper"]
    assert order("upvotes") == ["beta", "Alpha", "Zed undated paper"]  # no upvotes: last
    assert order("title") == ["Alpha", "beta", "Zed undated paper"]
    assert main(["list", str(tmp_path), "--sort", "newest", "--query", "is:unread", "--data-dir", str(data_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    titles = order("title")
    assert [next(t for t in titles if line.endswith(t)) for line in lines] == order("newest")


# --- --version and shell completion (issue 15) ------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["--version"], ["--data-dir", "x", "--version"]])
def test_version_is_the_installed_packages(argv, capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"tui-reader {version('tui-reader')}\n"


def complete_in_bash(script: str, *words: str) -> list[str]:
    """What bash offers after `tui-reader WORDS` (the last word is the one being completed), with the script
    loaded the way a user's bashrc loads it."""
    line = " ".join(("tui-reader", *words))
    probe = (
        f"source {script}; COMP_WORDS=(tui-reader {' '.join(repr(w) for w in words)}); "
        f"COMP_CWORD={len(words)}; COMP_LINE={line!r}; COMP_POINT=${{#COMP_LINE}}; "
        'complete -p tui-reader >/dev/null && _shtab_tui_reader && printf "%s\\n" "${COMPREPLY[@]}"'
    )
    done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_bash_completion_loads_and_completes_subcommands_and_options(capsys, tmp_path):
    assert main(["completion", "bash"]) == 0
    script = tmp_path / "tui-reader.bash"
    script.write_text(capsys.readouterr().out)
    assert complete_in_bash(str(script), "") == list(SUBCOMMANDS)
    assert complete_in_bash(str(script), "ma") == ["mark", "marks"]
    assert complete_in_bash(str(script), "--") == ["--help", "--version", "--data-dir"]
    assert complete_in_bash(str(script), "marks", "") == ["export", "import"]
    assert set(complete_in_bash(str(script), "fetch", "--")) >= {"--date", "--week", "--refresh", "--data-dir"}
    assert complete_in_bash(str(script), "list", "--format", "") == ["text", "json"]
    assert complete_in_bash(str(script), "completion", "") == ["bash", "zsh", "tcsh"]
    registered = subprocess.run(
        ["bash", "-c", f"source {script}; complete -p tui-reader"], capture_output=True, text=True, check=True
    ).stdout
    assert "-o default" in registered  # the reader's PATHs: bash completes file names where the script has none


@pytest.mark.parametrize("shell", ["zsh", "tcsh"])
def test_zsh_and_tcsh_completion_scripts_name_every_subcommand(shell, capsys):
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    assert all(command in script for command in ("list", "mark", "marks", "fetch", "--data-dir"))


def test_an_unknown_shell_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["completion", "powershell"])
    assert stop.value.code == 2
    assert "invalid choice: 'powershell'" in capsys.readouterr().err


# more like this from the command line: list --like


def test_cli_list_like_prints_the_neighbours_in_order(capsys, data_dir):
    assert main(["list", "--like", "63e6c13dbecc", "--data-dir", str(data_dir)]) == 0  # shortest path diffusion
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("2fb9839bbcfb") and lines[0].endswith(
        "On Kinetic Optimal Probability Paths for Generative Models"
    )
    assert not any(line.startswith("63e6c13dbecc") for line in lines) and 10 < len(lines) <= 100


def test_cli_list_like_unknown_id_is_one_line_and_exit_2(capsys, data_dir):
    assert main(["list", "--like", "nope\x1b[31m", "--data-dir", str(data_dir)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "no paper with id" in err and "\x1b" not in err


def test_list_writes_every_source_s_date_alike_in_one_aligned_column(tmp_path, data_dir, capsys):
    write(tmp_path / "a.txt", page("March 11, 2024", "A long date paper\n\nAn abstract that is long enough to keep."))
    write(tmp_path / "b.txt", page("Mar 9", "A short date paper\n\nAn abstract that is long enough to keep too."))
    assert main(["list", str(tmp_path), "--data-dir", str(data_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line[18:29] for line in lines] == ["Mar 11 2024", "Mar 9      "]
    assert {line.index("A ") for line in lines} == {31}
