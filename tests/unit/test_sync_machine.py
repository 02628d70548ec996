"""Sync as a state machine: 2-4 devices make random marks, notes and tag edits and exchange at random, while a
sync tool does what real ones do to each device's copy of the folder (delivers a log as a new file, or only its first
part while it is written, puts an older version back as a new file or in place, cuts a log mid-line, deletes one,
makes a conflict copy) and a data folder is copied to a new machine. After a
full exchange every device holds what a reference model of the merge rules holds: per paper and field the last
explicit change, per tag the last add or remove. No explicit change the model keeps is lost.

Times come from one counter (every change later than the one before it), so the model needs no tie-break."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from tui_reader.library import Change, MarkStore
from tui_reader.sync import DEVICE_FILE, device_id, sync_once

PAPERS = ("p0", "p1", "p2")
TAGS = ("rl", "vision", "nlp")
VALUES = {
    "read": st.booleans(),
    "starred": st.booleans(),
    "note": st.sampled_from([None, "one", "two", "three"]),
}


class Device:
    def __init__(self, data: Path, folder: Path) -> None:
        self.data, self.folder = data, folder
        self.store = MarkStore.open(data)

    @property
    def log(self) -> Path:
        return self.folder / f"{device_id(self.data)}.jsonl"


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="sync-machine-"))
        self.devices: list[Device] = []
        self.clock = 1000.0
        self.model: dict[tuple[str, str], object] = {}  # (paper, field or "tag:name") -> the last word
        self.versions: dict[Path, list[bytes]] = {}  # every version of a log a sync tool has seen
        self.conflicts = 0
        self.writers: dict[Path, int] = {}  # the device whose version of a log a folder holds

    def tick(self) -> float:
        self.clock += 1.0
        return self.clock

    def new_device(self, data: Path | None = None) -> None:
        n = len(self.devices)
        folder = self.root / f"folder-{n}"
        folder.mkdir()
        if data is None:
            data = self.root / f"data-{n}"
            data.mkdir()
            (data / DEVICE_FILE).write_text(f"{n + 10:08x}\n")
        self.devices.append(Device(data, folder))

    @initialize(count=st.integers(2, 3))
    def start(self, count: int) -> None:
        for _ in range(count):
            self.new_device()

    # -- the users ---------------------------------------------------------------------------------------

    @rule(
        d=st.integers(0, 3),
        paper=st.sampled_from(PAPERS),
        change=st.sampled_from(sorted(VALUES)).flatmap(lambda f: st.tuples(st.just(f), VALUES[f])),
    )
    def mark(self, d: int, paper: str, change: tuple[str, object]) -> None:
        name, value = change
        self.devices[d % len(self.devices)].store.apply([Change(paper, name, value, self.tick())])  # type: ignore[arg-type]
        self.model[(paper, name)] = value

    @rule(d=st.integers(0, 3), paper=st.sampled_from(PAPERS), tag=st.sampled_from(TAGS), add=st.booleans())
    def tag(self, d: int, paper: str, tag: str, add: bool) -> None:
        edit = ("+" if add else "-") + tag
        self.devices[d % len(self.devices)].store.apply([Change(paper, "tag", edit, self.tick())])
        self.model[(paper, f"tag:{tag}")] = add

    @rule(d=st.integers(0, 3))
    def sync(self, d: int) -> None:
        device = self.devices[d % len(self.devices)]
        sync_once(device.store, device.folder)
        if device.log.exists():
            self.versions.setdefault(device.log, []).append(device.log.read_bytes())

    # -- the sync tool -----------------------------------------------------------------------------------

    @rule(src=st.integers(0, 3), dst=st.integers(0, 3))
    def deliver(self, src: int, dst: int) -> None:
        """A device's log copied to another device's folder as a new file; where that folder holds a file of the
        same name another device wrote (a copied data folder with the same id), both versions are kept, one as a
        conflict copy, as Syncthing and Dropbox do with concurrent changes."""
        src, dst = src % len(self.devices), dst % len(self.devices)
        source, target = self.devices[src], self.devices[dst]
        if source is target or not source.log.exists():
            return
        destination = target.folder / source.log.name
        writer = dst if destination == target.log else self.writers.get(destination, src)
        if writer != src and destination.exists() and destination.read_bytes() != source.log.read_bytes():
            self.conflicts += 1
            destination = target.folder / f"{source.log.stem}.sync-conflict-20261201-{self.conflicts:06d}-XYZ.jsonl"
        else:
            self.writers[destination] = src
        partial = target.folder / f".{source.log.name}.partial"
        shutil.copyfile(source.log, partial)
        os.replace(partial, destination)

    @rule(src=st.integers(0, 3), dst=st.integers(0, 3), keep=st.floats(0.05, 0.95))
    def deliver_part(self, src: int, dst: int, keep: float) -> None:
        """A log copied while it is written: another device's folder gets the first part of it, cut mid-line
        (the rest comes with a later delivery)."""
        source, target = self.devices[src % len(self.devices)], self.devices[dst % len(self.devices)]
        destination = target.folder / source.log.name
        if source is target or not source.log.exists() or destination == target.log:
            return
        if self.writers.get(destination, src % len(self.devices)) != src % len(self.devices):
            return  # another device's version lives there (a copied data folder): deliver() handles it
        data = source.log.read_bytes()
        partial = target.folder / f".{source.log.name}.partial"
        partial.write_bytes(data[: int(len(data) * keep)])
        os.replace(partial, destination)
        self.writers[destination] = src % len(self.devices)

    @rule(d=st.integers(0, 3), which=st.integers(0, 100), in_place=st.booleans())
    def roll_back(self, d: int, which: int, in_place: bool) -> None:
        """An older version of a device's own log put back in its place: as a new file renamed over it (Syncthing,
        Dropbox), or written over it in place, the same inode (rsync --inplace)."""
        device = self.devices[d % len(self.devices)]
        versions = self.versions.get(device.log)
        if versions and device.log.exists():
            older = versions[which % len(versions)]
            if in_place:
                with open(device.log, "r+b") as f:
                    f.write(older)
                    f.truncate(len(older))
            else:
                partial = device.folder / ".restored"
                partial.write_bytes(older)
                os.replace(partial, device.log)

    @rule(d=st.integers(0, 3), own=st.booleans())
    def delete_log(self, d: int, own: bool) -> None:
        """A log deleted from a device's folder: its own (published again) or another device's (delivered
        again later)."""
        device = self.devices[d % len(self.devices)]
        logs = sorted(device.folder.glob("*.jsonl"))
        victims = [device.log] if own else [log for log in logs if log != device.log]
        if victims and victims[0].exists():
            victims[0].unlink()

    @rule(d=st.integers(0, 3), keep=st.floats(0.05, 0.95))
    def cut_mid_line(self, d: int, keep: float) -> None:
        device = self.devices[d % len(self.devices)]
        if device.log.exists() and device.log.stat().st_size > 2:
            os.truncate(device.log, max(1, int(device.log.stat().st_size * keep)))

    @rule(src=st.integers(0, 3), dst=st.integers(0, 3), n=st.integers(0, 1000))
    def conflict_copy(self, src: int, dst: int, n: int) -> None:
        source, target = self.devices[src % len(self.devices)], self.devices[dst % len(self.devices)]
        if source.log.exists():
            name = f"{source.log.stem}.sync-conflict-20261201-{n:06d}-ABCDEFG.jsonl"
            shutil.copyfile(source.log, target.folder / name)

    @precondition(lambda self: len(self.devices) < 4)
    @rule(d=st.integers(0, 3))
    def copy_data_folder(self, d: int) -> None:
        """A new laptop set up by copying a device's data folder (and its copy of the sync folder)."""
        source = self.devices[d % len(self.devices)]
        source.store.close()
        data = self.root / f"data-{len(self.devices)}"
        shutil.copytree(source.data, data)
        source.store = MarkStore.open(source.data)
        self.new_device(data)
        for log in source.folder.glob("*.jsonl"):
            shutil.copyfile(log, self.devices[-1].folder / log.name)

    # -- the end -----------------------------------------------------------------------------------------

    @invariant()
    def nothing_is_lost_locally(self) -> None:
        for device in self.devices:
            assert not device.store.read_only

    def teardown(self) -> None:
        try:
            self.full_exchange()
            expected = self.expected()
            for device in self.devices:
                assert self.shown(device.store) == expected, device.data.name
        finally:
            for device in self.devices:
                device.store.close()
            shutil.rmtree(self.root, ignore_errors=True)

    def full_exchange(self) -> None:
        """Everyone publishes; the sync tool makes every folder hold every device's log; everyone reads."""
        for _ in range(3):  # a device that finds it shares an id takes a new one: its log needs one more round
            for device in self.devices:
                sync_once(device.store, device.folder)
            for src in range(len(self.devices)):
                for dst in range(len(self.devices)):
                    self.deliver(src, dst)
            for device in self.devices:
                sync_once(device.store, device.folder)

    def expected(self) -> dict[tuple[str, str], object]:
        shown: dict[tuple[str, str], object] = {}
        for paper in PAPERS:
            for name in VALUES:
                if (paper, name) in self.model:
                    shown[(paper, name)] = self.model[(paper, name)]
            if any((paper, f"tag:{tag}") in self.model for tag in TAGS):
                shown[(paper, "tags")] = tuple(tag for tag in sorted(TAGS) if self.model.get((paper, f"tag:{tag}")))
        return shown

    def shown(self, store: MarkStore) -> dict[tuple[str, str], object]:
        expected = self.expected()
        return {key: getattr(store.get(key[0]), key[1]) for key in expected}


SyncMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_devices_converge_whatever_the_sync_tool_does = SyncMachine.TestCase
