"""The command line: `marks import` refuses any bad input in one line (exit 2, nothing imported) and
`marks export` replaces only a regular file, atomically, through symlinks."""

from __future__ import annotations

import errno
import io
import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tui_reader.cli import main
from tui_reader.store import DB_NAME, MarkStore

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
    return f'[{json.dumps(GOOD)}, {bad_record}]'.encode()


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
    if status == 2:
        assert out == "" and len(err) < 200


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
