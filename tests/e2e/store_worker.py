"""A separate process that writes marks, for test_marks_survive_killed_and_racing_processes.py.

store_worker.py DATA_DIR churn            toggle marks forever; after each call returns print "I PID FIELD VALUE"
store_worker.py DATA_DIR race PREFIX N    print "ready", wait for a line on stdin, then N rounds of: toggle
                                          read on PREFIX-i, toggle star on the shared paper; print a JSON summary
store_worker.py - opener NAME             for each data dir read from stdin: open the store there, mark NAME
                                          read, close; print a JSON line {"warnings", "read_only"}
store_worker.py DATA_DIR notes            save note i (NOTE_CHARS long) on paper "noted" forever; print i after each
store_worker.py DATA_DIR bulk             mark BULK_PAPERS papers read, then unread, ... (one apply each); print i
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tui_reader.library import MarkStore

CHURN_PAPERS = 13  # odd, so each paper sees both fields in turn
NOTE_CHARS = 200_000 // 4  # a long note: its write takes long enough for a kill to land inside it
BULK_PAPERS = 2_000


def note_text(i: int) -> str:
    """The i-th note `notes` saves: the same number all through, so a mix of two saves shows."""
    return (f"{i:04d}" * (NOTE_CHARS // 4))[:NOTE_CHARS]


def notes(store: MarkStore) -> None:
    for i in range(10**6):
        store.set_note("noted", note_text(i))
        print(i, flush=True)


def bulk(store: MarkStore) -> None:
    import time

    from tui_reader.library import Change

    for i in range(10**6):
        now = time.time()
        store.apply([Change(f"bulk-{n}", "read", i % 2 == 0, now, batch=i + 1) for n in range(BULK_PAPERS)])
        print(i, flush=True)


def churn_op(i: int) -> tuple[str, str]:
    """The i-th operation of `churn`: which paper, which field. The test replays this to predict the next op."""
    return f"churn-{i % CHURN_PAPERS}", ("read" if i % 2 == 0 else "starred")


def churn(store: MarkStore) -> None:
    for i in range(10**6):
        paper_id, field = churn_op(i)
        mark = store.toggle_read(paper_id) if field == "read" else store.toggle_starred(paper_id)
        print(i, paper_id, field, int(getattr(mark, field)), flush=True)


def race(store: MarkStore, prefix: str, rounds: int) -> None:
    print("ready", flush=True)
    sys.stdin.readline()  # the start barrier: the parent writes a line once every worker is ready
    own_read = 0
    shared = {True: 0, False: 0}
    for i in range(rounds):
        own_read += store.toggle_read(f"{prefix}-{i}").read
        shared[store.toggle_starred("shared").starred] += 1
    print(json.dumps({"own_read": own_read, "shared_true": shared[True], "shared_false": shared[False]}), flush=True)


def opener(name: str) -> None:
    print("ready", flush=True)
    for line in sys.stdin:
        with MarkStore.open(Path(line.rstrip("\n"))) as store:
            if not store.read_only:
                store.set_read(name, True)
            print(json.dumps({"warnings": store.warnings, "read_only": store.read_only}), flush=True)


def saver(data_dir: Path, ids: str) -> None:
    """Star ids through a MarkSaver; print "journalled" once they are on disk (the file is locked by the test),
    then wait to be killed."""
    import threading
    import time

    from tui_reader.library import Change
    from tui_reader.saving import MarkSaver, Waiting

    waiting = threading.Event()
    mark_saver = MarkSaver(MarkStore.open(data_dir, writable=False), lambda r: isinstance(r, Waiting) and waiting.set())
    for paper_id in ids.split(","):  # handed over before the thread starts: its first round journals them all
        mark_saver.submit(Change(paper_id, "starred", True, time.time()))
    mark_saver.start()
    waiting.wait(30)  # the saver has tried the locked file after journalling the changes
    print("journalled", flush=True)
    threading.Event().wait(60)


def main(argv: list[str]) -> None:
    if argv[1] == "saver":
        saver(Path(argv[0]), argv[2])
        return
    if argv[1] == "opener":
        opener(argv[2])
        return
    store = MarkStore.open(Path(argv[0]))
    if store.read_only:
        raise SystemExit(f"worker: store is read-only: {store.warnings}")
    if argv[1] == "churn":
        churn(store)
    elif argv[1] == "notes":
        notes(store)
    elif argv[1] == "bulk":
        bulk(store)
    else:
        race(store, argv[2], int(argv[3]))
    store.close()


if __name__ == "__main__":
    main(sys.argv[1:])
