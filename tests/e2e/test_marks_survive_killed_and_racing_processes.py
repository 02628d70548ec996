"""Marks written by real processes: killed with kill -9 at random moments (a reported mark, a note, a bulk mark
and a journalled change are never lost or half-saved), racing each other (no update lost), and opening one fresh
data directory at once (never judged damaged). The processes are store_worker.py, beside this file."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from e2e.store_worker import BULK_PAPERS, CHURN_PAPERS, churn_op, note_text
from support.locked_marks import Lock

from tui_reader.library import DB_NAME, Mark, MarkStore

HERE = Path(__file__).resolve().parent
WORKER = HERE / "store_worker.py"
# the workers import the code under test (this checkout's), not whichever tui-reader the interpreter has installed
WORKER_ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE.parents[1]), os.environ.get("PYTHONPATH")])),
}


def start_worker(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=HERE,
        env=WORKER_ENV,
    )


# ---------------------------------------------------------------------------------------------------------
# Killed at random moments


@pytest.mark.serial  # real processes racing each other
def test_kill_9_at_random_moments_loses_no_reported_mark(data_dir):
    """20 times: a worker toggles marks and reports each one after the call returned; we kill -9 it after a
    random number of reports. Every reported value must be on disk; only the one call that may have committed
    without being reported yet can differ."""
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    keys = [(churn_op(i)) for i in range(2 * CHURN_PAPERS)]
    state = {key: False for key in keys}  # what the store holds, checked after every kill
    reported_total = 0
    for run in range(20):
        worker = start_worker(str(data_dir), "churn")
        wanted = rng.randrange(1, 60)
        lines = []
        while len(lines) < wanted:
            line = worker.stdout.readline()
            if not line:
                break
            lines.append(line)
        worker.kill()  # SIGKILL, while the worker is somewhere in its loop
        lines += worker.stdout.read().splitlines(keepends=True)
        worker.wait()
        assert worker.returncode == -9, f"run {run}: worker ended by itself: {worker.stderr.read()}"
        worker.stdout.close(), worker.stderr.close(), worker.stdin.close()

        expected = dict(state)
        done = -1
        for line in lines:
            if not line.endswith("\n"):
                break  # cut off by the kill: treat that call as unreported
            i, paper_id, field, value = line.split()
            assert int(i) == done + 1 and churn_op(int(i)) == (paper_id, field)
            assert bool(int(value)) is (not expected[paper_id, field]), f"seed {seed}: toggle lost an update"
            expected[paper_id, field] = bool(int(value))
            done = int(i)
        reported_total += done + 1

        with MarkStore.open(data_dir) as store:
            assert store.warnings == [] and not store.read_only
            marks = store.all()
        actual = {(p, f): getattr(marks.get(p, Mark()), f) for p, f in keys}
        differing = {key for key in keys if actual[key] != expected[key]}
        assert differing <= {churn_op(done + 1)}, f"seed {seed}, run {run}: lost {differing}"
        state = actual
    assert reported_total >= 20


def _kill_at_random(data_dir: Path, mode: str, runs: int) -> None:
    rng = random.Random()
    for run in range(runs):
        worker = subprocess.Popen(
            [sys.executable, str(WORKER), str(data_dir), mode],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=HERE,
            env=WORKER_ENV,
        )
        for _ in range(rng.randrange(1, 6)):
            if not worker.stdout.readline():
                break
        worker.kill()
        worker.wait()
        assert worker.returncode == -9, f"run {run}: {worker.stderr.read()}"
        worker.stdout.close(), worker.stderr.close()
        yield


@pytest.mark.serial  # real processes, killed at random moments
def test_kill_9_while_saving_a_note_leaves_a_whole_note(data_dir):
    for _ in _kill_at_random(data_dir, "notes", 8):
        with MarkStore.open(data_dir) as store:
            note = store.get("noted").note
            assert note is not None and note == note_text(int(note[:4]))  # one save's note, whole
            history = store.history()
            assert history[-1].items[0][3] == note  # the history step is the save that is on disk


@pytest.mark.serial  # real processes, killed at random moments
def test_kill_9_during_a_bulk_mark_applies_all_or_nothing(data_dir):
    for _ in _kill_at_random(data_dir, "bulk", 8):
        with MarkStore.open(data_dir) as store:
            read = store.read_ids()
            assert len(read) in (0, BULK_PAPERS)
            steps = store.history()
            if steps:
                assert len(steps[-1].items) == BULK_PAPERS


def test_kill_9_while_the_file_is_locked_loses_no_change(fresh_store):
    lock = Lock(fresh_store)
    try:
        child = subprocess.Popen(
            [sys.executable, str(WORKER), str(fresh_store), "saver", "killed-1,killed-2"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=HERE,
            env=WORKER_ENV,
        )
        try:
            assert child.stdout.readline() == "journalled\n", child.stderr.read()
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
    finally:
        lock.release()
    with MarkStore.open(fresh_store) as store:
        assert store.get("killed-1").starred and store.get("killed-2").starred


# ---------------------------------------------------------------------------------------------------------
# Racing each other


@pytest.mark.serial  # real processes racing each other
def test_two_processes_toggling_at_once_lose_nothing(tmp_path):
    """Two workers open one fresh store at the same time, meet at a barrier, then each toggles 500 papers of
    its own plus one shared paper 500 times. All 1000 own marks must be there, and the shared toggles must
    have alternated exactly (a lost read-modify-write would repeat a value)."""
    data_dir = tmp_path / "not-yet-created"
    workers = [start_worker(str(data_dir), "race", name, "500") for name in ("a", "b")]
    try:
        for worker in workers:
            assert worker.stdout.readline() == "ready\n", worker.stderr.read()
        for worker in workers:  # the barrier: both are open and waiting before either starts
            worker.stdin.write("go\n")
            worker.stdin.flush()
        results = []
        for worker in workers:
            out, err = worker.communicate(timeout=120)
            assert worker.returncode == 0, err
            assert "locked" not in err
            results.append(json.loads(out))
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    assert [r["own_read"] for r in results] == [500, 500]
    assert sum(r["shared_true"] for r in results) == 500
    assert sum(r["shared_false"] for r in results) == 500
    with MarkStore.open(data_dir) as store:
        marks = store.all()
    own = [pid for pid in marks if pid.startswith(("a-", "b-"))]
    assert len(own) == 1000 and all(marks[pid].read for pid in own)
    assert marks["shared"].starred is False


@pytest.mark.serial  # real processes racing each other
def test_processes_opening_one_fresh_data_dir_at_once_never_judge_it_damaged(tmp_path):
    """Three processes open the same fresh data dir at the same moment, 70 times (210 opens): none may take the
    file another is still creating for a damaged one (moving it aside would lose the creator's marks)."""
    workers = [start_worker("-", "opener", name) for name in ("a", "b", "c")]
    try:
        for worker in workers:
            assert worker.stdout.readline() == "ready\n", worker.stderr.read()
        for round_ in range(70):
            data_dir = tmp_path / f"fresh-{round_}"
            for worker in workers:  # all three get the new dir before any of them answers
                worker.stdin.write(f"{data_dir}\n")
                worker.stdin.flush()
            reports = [json.loads(worker.stdout.readline()) for worker in workers]
            assert all(r == {"warnings": [], "read_only": False} for r in reports), (round_, reports)
            assert sorted(os.listdir(data_dir)) == [DB_NAME] or not any("corrupt" in n for n in os.listdir(data_dir))
            with MarkStore.open(data_dir, writable=False) as store:
                assert store.read_ids() == {"a", "b", "c"}, round_
    finally:
        for worker in workers:
            worker.stdin.close()
            worker.wait(timeout=30)
