"""Space and v select papers in the list; s, r, t and A then act on the selected papers, each as one undo step;
the selection stays while the query changes, and Esc in the list clears it first."""

from __future__ import annotations

from conftest import SIZE, messages, row_in_view, settle, status, type_query

from tui_reader.screens.prompt import ConfirmScreen
from tui_reader.screens.tags import TagScreen
from tui_reader.widgets import PaperList


def paper_on_row(app, row: int) -> str:
    plist = app.query_one(PaperList)
    return app.reader.papers[plist.rows[row]].id


async def test_space_and_v_select_the_paper_and_move_down_and_the_rows_and_status_show_it(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        plist = reader_app.query_one(PaperList)
        await pilot.press("space", "v")
        assert plist.cursor == 2
        assert [row_in_view(plist, row)[:2] for row in range(3)] == ["✓●", "✓●", " ●"]
        assert status(reader_app).endswith(" · 2 selected")
        await pilot.press("k", "space")  # Space again on a selected paper unselects it
        assert [row_in_view(plist, row)[:2] for row in range(3)] == ["✓●", " ●", " ●"]
        assert status(reader_app).endswith(" · 1 selected")


async def test_s_stars_each_selected_paper_not_the_cursors_and_one_z_undoes_them_all(reader_app, store):
    async with reader_app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(reader_app, pilot)
        first, second, third = (paper_on_row(reader_app, row) for row in range(3))
        await pilot.press("space", "space", "s")  # the cursor is on the third paper now
        await settle(reader_app, pilot)
        assert [store.get(pid).starred for pid in (first, second, third)] == [True, True, False]
        assert "2 starred" in status(reader_app)
        await pilot.press("z")
        await settle(reader_app, pilot)
        assert not store.get(first).starred and not store.get(second).starred
        assert "undone: starred 2 papers" in messages(reader_app)


async def test_a_and_r_with_a_selection_mark_the_selected_papers(reader_app, store):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        first, second, third = (paper_on_row(reader_app, row) for row in range(3))
        await pilot.press("space", "j", "space")  # the first and third papers
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(reader_app.screen, ConfirmScreen)
        assert "Mark 2 selected papers read? y/n" in str(reader_app.screen.query_one("Static").render())
        await pilot.press("y")
        await settle(reader_app, pilot)
        assert [store.get(pid).read for pid in (first, second, third)] == [True, False, True]
        await pilot.press("r")  # every selected paper is read: r marks them all unread
        await settle(reader_app, pilot)
        assert not store.get(first).read and not store.get(third).read and "211 unread" in status(reader_app)


async def test_t_with_a_selection_tags_each_selected_paper_in_one_step(reader_app, store):
    async with reader_app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(reader_app, pilot)
        first, second = paper_on_row(reader_app, 0), paper_on_row(reader_app, 1)
        await pilot.press("space", "space", "t")
        await pilot.pause()
        assert isinstance(reader_app.screen, TagScreen)
        await pilot.press(*"to-read", "enter")
        await settle(reader_app, pilot)
        assert store.get(first).tags == ("to-read",) and store.get(second).tags == ("to-read",)
        assert not store.get(paper_on_row(reader_app, 2)).tags
        await pilot.press("z")
        await settle(reader_app, pilot)
        assert store.get(first).tags == () and store.get(second).tags == ()


async def test_the_selection_stays_while_the_query_hides_it_and_esc_clears_it_before_the_query(reader_app):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("j", "j", "j", "s", "g", "space")  # the fourth paper starred, the first selected
        await settle(reader_app, pilot)
        await type_query(reader_app, pilot, "is:starred")
        await pilot.press("enter")  # back to the list
        await settle(reader_app, pilot)
        assert "1 / 211 shown" in status(reader_app)
        assert status(reader_app).endswith(" · 1 selected (1 not shown)")
        await pilot.press("escape")
        await settle(reader_app, pilot)
        assert "selected" not in status(reader_app) and reader_app.query_one("#search").value == "is:starred"
        await pilot.press("escape")
        await settle(reader_app, pilot)
        assert reader_app.query_one("#search").value == "" and "211 / 211 shown" in status(reader_app)
