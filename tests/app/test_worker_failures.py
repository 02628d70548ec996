"""A worker that raises (searching, loading, saving the theme) is one error notification naming what failed and
where its details were logged; the reader goes on, or, when nothing could be loaded at all, exits and says why."""

from __future__ import annotations

from conftest import SIZE, notifications, settle, type_query

from tui_reader.app import ReaderApp
from tui_reader.controllers import loading


async def test_a_search_that_raises_is_one_error_and_the_reader_goes_on(reader_app, monkeypatch):
    from tui_reader.search import SearchIndex

    def broken(self, query, marks=None):
        raise RuntimeError("index on fire")

    monkeypatch.setattr(SearchIndex, "search", broken)
    async with reader_app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(reader_app, pilot)
        await type_query(reader_app, pilot, "diffusion")
        errors = [n for n in notifications(reader_app) if n.title == "Error"]  # one per search typed
        assert errors and all(n.severity == "error" for n in errors)
        assert errors[-1].message.startswith("Searching failed (RuntimeError: index on fire). Details: ")
        assert reader_app.is_running


async def test_a_load_that_raises_with_nothing_loaded_ends_the_reader_with_the_reason(store, tmp_path, monkeypatch):
    def broken(path):
        raise OSError("disk on fire")

    monkeypatch.setattr(loading, "read_file_parts", broken)
    path = tmp_path / "papers.txt"
    path.write_text("anything")
    app = ReaderApp([], store, files=[path])
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            if not app.is_running:
                break
            await pilot.pause(0.01)
    assert app.return_code == 1 and app.outcome.no_papers
    assert app.outcome.load_warnings == ["loading failed (OSError: disk on fire)"]
