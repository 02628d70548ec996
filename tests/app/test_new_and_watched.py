"""New since the last session and the watch list in the reader: the status line's "N new", the new and watched
views (u and the palette), W adding to the watch list, and the session's end making what it saw old."""

from __future__ import annotations

from conftest import SIZE, app_as_launched, settle, shown_titles, status, type_query, wait_until

from tui_reader.config import load_config
from tui_reader.library.seen import SeenStore
from tui_reader.views import View


def seen_before(data_dir, papers):
    """A previous session that saw ``papers`` and ended."""
    with SeenStore.open(data_dir) as seen:
        seen.record(paper.id for paper in papers)
        seen.end_session()


async def test_the_papers_new_since_the_last_session_are_counted_and_shown_in_the_new_view(papers, store, data_dir):
    seen_before(data_dir, papers[:205])
    app = app_as_launched(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await wait_until(pilot, lambda: "· 6 new ·" in status(app), "the new papers counted")
        for _ in range(3):  # all → unread → starred → new
            await pilot.press("u")
            await settle(app, pilot)
        assert app.reader.view is View.NEW and "view: new" in status(app)
        assert shown_titles(app) == [paper.title for paper in papers[205:]]
    second = app_as_launched(papers, store)  # the session above has ended: nothing is new to the next
    async with second.run_test(size=SIZE) as pilot:
        await settle(second, pilot)
        await wait_until(pilot, lambda: second.reader.index is not None, "the index")
        await settle(second, pilot)
        assert " new ·" not in status(second) and second.reader.new == frozenset()


async def test_the_watched_view_from_the_palette_and_w_adds_the_query(papers, store, config_toml):
    path = config_toml('# what I follow\nwatch = ["author:nobody-at-all"]\n')
    app = app_as_launched(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        app.call_later(commands["View: watched"].callback)  # as the palette runs a command
        await settle(app, pilot)
        assert "view: watched" in status(app) and shown_titles(app) == []
        await type_query(app, pilot, "mamba")
        await pilot.press("enter", "W")
        await wait_until(pilot, lambda: app.reader.watched, "the new watch applied")
        await settle(app, pilot)
        assert load_config(path).watch == ("author:nobody-at-all", "mamba")
        assert path.read_text().startswith("# what I follow\n")
        await pilot.press("escape")  # the query cleared: the watched view shows every paper "mamba" watches
        await settle(app, pilot)
        by_title = {paper.title: paper for paper in papers}
        watched = [by_title[title] for title in shown_titles(app)]
        assert watched and all("mamba" in (paper.title + paper.abstract).lower() for paper in watched)
        assert app.reader.watches_of(watched[0].id) == ("mamba",)
