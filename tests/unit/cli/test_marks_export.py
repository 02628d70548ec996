"""`marks export` replaces only a regular file, atomically, through symlinks, keeping its mode, never over
the marks file itself; and a backup exported here imports there whole."""

from __future__ import annotations

import errno
import json
import os
import socket
import stat
from pathlib import Path

import pytest

from tui_reader.cli import main
from tui_reader.library import DB_NAME, MarkStore

from .support import one_error_line, run, stored


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
