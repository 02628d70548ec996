"""A big corpus read after the first paint: files and JSON Lines parts reach the list as they are read."""

from __future__ import annotations

from conftest import SIZE, messages, settle, shown_titles, status, type_query, wait_until
from support.paper_files import arxiv_line

from tui_reader import corpus
from tui_reader.app import ReaderApp
from tui_reader.controllers import loading as loading_module
from tui_reader.controllers.loading import Loader


async def test_files_stream_in_after_the_first_paint_and_search_works_once_indexed(store):
    from tui_reader.corpus import corpus_files

    app = ReaderApp([], store, files=corpus_files())
    async with app.run_test(size=SIZE) as pilot:
        assert "loading" in status(app)  # the first frame comes before the files
        await settle(app, pilot)
        assert status(app).startswith("211 / 211 shown")
        assert "loading" not in status(app) and "indexing" not in status(app)
        await type_query(app, pilot, "schrodinger")
        assert shown_titles(app)[0] == "Light Schrödinger Bridge"


async def test_a_streamed_corpus_keeps_its_index_for_the_next_launch(store, monkeypatch):
    from tui_reader.corpus import corpus_files
    from tui_reader.search import index as index_module

    builds = []
    real_build = index_module.build
    monkeypatch.setattr(
        index_module, "build", lambda *fields, **options: builds.append(1) or real_build(*fields, **options)
    )
    for _ in range(2):
        app = ReaderApp([], store, files=corpus_files())
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert "indexing" not in status(app)
            await type_query(app, pilot, "schrodinger")
            assert shown_titles(app)[0] == "Light Schrödinger Bridge"
    assert builds == [1]  # the second launch read the index from the cache


async def test_streamed_files_with_no_papers_end_the_app_with_the_reason(store, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    app = ReaderApp([], store, files=sorted(tmp_path.glob("*.txt")))
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):  # the loader worker finishes, then the app exits by itself
            if app.return_code is not None:
                break
            await pilot.pause()
    assert app.return_code == 1
    assert app.outcome.no_papers
    assert any("empty file" in w for w in app.outcome.load_warnings)
    assert any("binary file" in w for w in app.outcome.load_warnings)


async def test_a_flood_of_warnings_is_a_few_notifications_and_keys_still_answer(store, tmp_path):
    """2,000 files with no papers and a dozen binary ones, streamed in after the first frame: a handful of
    notifications, then one counting the rest, never one each (which froze the reader for tens of seconds)."""
    from tui_reader.files import log_file

    for number in range(2000):
        (tmp_path / f"empty_{number:04d}.txt").write_text("")
    for number in range(12):
        (tmp_path / f"binary_{number:02d}.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "real.jsonl").write_text(arxiv_line(id="2403.00001", title="A real paper") + "\n")
    app = ReaderApp([], store, files=sorted(tmp_path.iterdir()))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        for _ in range(200):  # the "more" notification comes once the batches arriving together are in
            if any("more warning" in message for message in messages(app)):
                break
            await pilot.pause(0.05)
        shown = messages(app)
        assert len(shown) <= 6, shown
        assert shown[-1].endswith(f"more warnings (see {log_file()})")
        assert shown_titles(app) == ["A real paper"]

        def all_logged() -> bool:  # the last batches' lines may reach the log after the notification
            logged = log_file().read_text(encoding="utf-8") if log_file().exists() else ""
            return logged.count("empty file; skipped") == 2000 and logged.count("binary file") == 12

        await wait_until(pilot, all_logged, "every warning in the log", timeout=20)
    logged = log_file().read_text(encoding="utf-8")
    assert logged.count("empty file; skipped") == 2000 and logged.count("binary file") == 12


def hand_overs(app: ReaderApp, monkeypatch) -> list[int]:
    """How many papers the list holds after each hand-over from the loading worker, as it happens."""
    shown: list[int] = []
    real = Loader.batch_loaded

    def recording(loader, papers, warnings, number, total, importing=""):
        real(loader, papers, warnings, number, total, importing)
        shown.append(len(app.reader.papers))

    monkeypatch.setattr(Loader, "batch_loaded", recording)
    return shown


async def test_one_json_lines_file_reaches_the_list_in_parts(tmp_path, store, monkeypatch):
    monkeypatch.setattr(corpus, "STREAM_PART", 10)
    monkeypatch.setattr(loading_module, "LOAD_BATCH_SECONDS", 0.0)  # hand every part over as soon as it is read
    lines = [arxiv_line(id=f"0704.{n:04d}", title=f"Streamed paper {n}") for n in range(45)]
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(lines) + "\n")
    app = ReaderApp([], store, files=[path])
    shown = hand_overs(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert shown[0] == 10 and shown[-1] == 45 and len(shown) >= 5
        assert status(app).startswith("45 / 45 shown")
        body = str(app.query_one("#detail-body").render())
        assert "Streamed paper 0" in body and "Published 2007-04-02" in body


async def test_the_first_part_is_on_screen_without_waiting_for_the_batch_time(tmp_path, store, monkeypatch):
    monkeypatch.setattr(corpus, "STREAM_PART", 10)
    monkeypatch.setattr(loading_module, "LOAD_BATCH_SECONDS", 3600.0)  # later parts wait for the file's end
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(arxiv_line(id=f"0704.{n:04d}", title=f"Paper {n}") for n in range(35)) + "\n")
    app = ReaderApp([], store, files=[path])
    shown = hand_overs(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert shown[0] == 10 and shown[-1] == 35
