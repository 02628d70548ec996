"""`marks import`: nothing is imported unless the whole file is a valid export; any bad input (not JSON, not
UTF-8, too big, too deep, a FIFO or a directory, a bad field) is one line and exit 2, and any input at all either
imports or is refused that way."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tui_reader.cli.commands import marks as marks_command

from .support import GOOD, one_error_line, run, stored


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
    monkeypatch.setattr(marks_command, "MAX_IMPORT_BYTES", 1000)
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
@example(records=[{"id": "p", "read_at": 10**400}])  # huge and negative times, NaN, a deep id: always tried
@example(records=[{"id": "p", "starred_at": -(10**639)}])
@example(records=[{"id": "p", "read_at": float("nan")}])
@example(records=[{"id": [[[[[]]]]] * 3}])
def test_any_export_shaped_records_import_or_are_one_line(tmp_path, capsys, records):
    _import_never_breaks(tmp_path, capsys, json.dumps(records).encode())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=200))
def test_any_bytes_import_or_are_one_line(tmp_path, capsys, content):
    _import_never_breaks(tmp_path, capsys, content)


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
