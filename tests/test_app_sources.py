"""A big arXiv JSON Lines file in the reader: its papers come on screen in parts as the file is read."""

from __future__ import annotations

from conftest import SIZE, settle, status
from test_sources import arxiv_line

from tui_reader import corpus
from tui_reader.app import ReaderApp
from tui_reader.controllers import loading as loading_module
from tui_reader.controllers.loading import Loader


def hand_overs(app: ReaderApp, monkeypatch) -> list[int]:
    """How many papers the list holds after each hand-over from the loading worker, as it happens."""
    shown: list[int] = []
    real = Loader.batch_loaded

    def recording(loader, papers, warnings, number, total):
        real(loader, papers, warnings, number, total)
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
