"""The layout at every size: panes side by side or stacked, short terminals, the footer's Help and Quit kept,
notifications placed clear of the detail's title and the status line."""

from __future__ import annotations

import pytest
from conftest import SIZE, settle, status, wait_until

from tui_reader.app import ReaderApp, breakpoint_classes
from tui_reader.widgets import PaperDetail, PaperList, ReaderFooter, SearchBox


async def test_narrow_terminal_stacks_the_panes(reader_app):
    async with reader_app.run_test(size=(80, 30)) as pilot:
        await settle(reader_app, pilot)
        plist, detail = reader_app.query_one(PaperList), reader_app.query_one(PaperDetail)
        assert detail.region.y > plist.region.y
        assert plist.region.width == detail.region.width


async def test_tiny_terminal_and_resizes_do_not_crash(reader_app):
    async with reader_app.run_test(size=(40, 12)) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("j", "s")
        for size in [(120, 40), (20, 5), (99, 30), (100, 30), (40, 12)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
        await pilot.press("G", "k")
        assert reader_app.query_one(PaperList).cursor == 209


async def test_the_status_line_fits_each_width_it_is_resized_to_keeping_the_unread_count_longest(reader_app):
    """Redrawn on every resize (not at the next mark): at 60 columns the sort is left out, narrower the view,
    then the starred count; the unread count stays while anything can go before it."""
    async with reader_app.run_test(size=(60, 30)) as pilot:
        await settle(reader_app, pilot)
        assert status(reader_app) == "211 / 211 shown · 211 unread · 0 starred · view: all"
        for width, expected in [
            (120, "211 / 211 shown · 211 unread · 0 starred · view: all · sort: as listed"),
            (50, "211 / 211 shown · 211 unread · 0 starred"),
            (40, "211 / 211 shown · 211 unread"),
            (80, "211 / 211 shown · 211 unread · 0 starred · view: all · sort: as listed"),
            (60, "211 / 211 shown · 211 unread · 0 starred · view: all"),
        ]:
            await pilot.resize_terminal(width, 30)
            await wait_until(pilot, lambda e=expected: status(reader_app) == e, f"the status line at {width} columns")


def visible_footer_keys(app) -> str:
    """The footer's keys as drawn: the kept group (?, q, palette) covers whatever it overlaps."""
    footer = app.query_one(ReaderFooter)
    kept = app.query_one("#footer-kept").region
    shown = []
    for key in footer.query("FooterKey"):
        region = key.region
        if region.width and (key.parent.id == "footer-kept" or region.right <= kept.x):
            shown.append(str(key.render()).strip())
    return " | ".join(shown)


async def test_at_60x20_the_abstract_shows_and_the_footer_keeps_help_and_quit(reader_app):
    async with reader_app.run_test(size=(60, 20)) as pilot:
        await settle(reader_app, pilot)
        assert reader_app.query_one(SearchBox).region.height == 1
        detail = reader_app.query_one(PaperDetail)
        body = reader_app.query_one("#detail-body")
        abstract = reader_app.reader.papers[0].abstract
        lines = [line.text for line in body.render_lines(body.region.reset_offset)]
        visible = lines[: detail.scrollable_content_region.height]
        assert any(line.strip() and line.strip() in abstract for line in visible[3:]), visible
        keys = visible_footer_keys(reader_app)
        assert "? Help" in keys and "q Quit" in keys, keys


@pytest.mark.parametrize("size", [(40, 12), (60, 20), (120, 16)])
async def test_small_terminals_show_at_least_three_list_rows_and_help_and_quit(reader_app, size):
    async with reader_app.run_test(size=size) as pilot:
        await settle(reader_app, pilot)
        assert reader_app.query_one(PaperList).scrollable_content_region.height >= 3
        keys = visible_footer_keys(reader_app)
        assert "? Help" in keys and "q Quit" in keys, keys


@pytest.mark.parametrize(("size", "count"), [(SIZE, 5), ((80, 30), 2)])
async def test_notifications_leave_the_detail_title_marks_and_status_visible(reader_app, size, count):
    """Bottom right, above the status line: over the end of the abstract (wide: the detail's lower half; narrow:
    the detail pane's lower rows, room for two at 80x30)."""
    async with reader_app.run_test(size=size, notifications=True) as pilot:
        await settle(reader_app, pilot)
        for number in range(count - 1):
            reader_app.say(f"Notification {number}", timeout=30)
        await pilot.press("y", "t")  # copy the title: the reader's own notification
        await pilot.pause()
        toasts = list(reader_app.screen.query("Toast"))
        assert len(toasts) == count
        detail = reader_app.query_one(PaperDetail).content_region
        header = detail.intersection(detail._replace(height=5))  # title, marks and id, dates
        for toast in toasts:
            for important in (header, reader_app.query_one("#status").region, reader_app.query_one("#search").region):
                assert not toast.region.overlaps(important), (toast.region, important)


@pytest.mark.parametrize(
    ("width", "height", "classes"),
    [(99, 23, {"-narrow", "-short"}), (100, 24, {"-wide", "-tall"}), (60, 20, {"-narrow", "-short"})],
)
def test_the_screen_opens_with_the_size_classes_textual_would_give_it(width, height, classes):
    """The reader's screen gets its size classes before it is first styled (so the first Resize restyles
    nothing): the same ones Textual's breakpoints give (wide from 100 columns, tall from 24 rows)."""
    given = breakpoint_classes(width, ReaderApp.HORIZONTAL_BREAKPOINTS)
    given |= breakpoint_classes(height, ReaderApp.VERTICAL_BREAKPOINTS)
    assert given == classes


async def test_the_size_classes_given_at_start_are_those_after_the_first_resize(reader_app):
    async with reader_app.run_test(size=(60, 20)) as pilot:
        await settle(reader_app, pilot)
        assert {"-narrow", "-short"} <= reader_app.screen.classes
        assert not {"-wide", "-tall"} & reader_app.screen.classes


def footer_line(app) -> str:
    """The footer's row as the terminal shows it (every widget drawn over it), spaces collapsed."""
    strips = app.screen._compositor.render_strips()
    return " ".join("".join(segment.text for segment in strips[-1]).split())


@pytest.mark.parametrize(
    ("width", "keys", "expected"),
    [
        (60, [], "⏎ Open n Next / Search r Read ? Help q Quit ^p palette"),
        (60, ["tab"], "← Back / Search r Read s Star ? Help q Quit ^p palette"),
        (62, [], "⏎ Open n Next / Search r Read ? Help q Quit ^p palette"),
        (66, ["tab"], "← Back / Search r Read s Star ? Help q Quit ^p palette"),
        (80, [], "⏎ Open n Next / Search r Read s Star u View ? Help q Quit ^p palette"),
        (80, ["tab"], "← Back w Zoom / Search r Read s Star u View ? Help q Quit ^p palette"),
        (120, [], "⏎ Open n Next w Zoom / Search r Read s Star u View ? Help q Quit ^p palette"),
        (120, ["slash"], "esc List / Search ^p palette"),
    ],
)
async def test_the_footer_shows_each_label_whole_or_not_at_all(reader_app, width, keys, expected):
    async with reader_app.run_test(size=(width, 24)) as pilot:
        await settle(reader_app, pilot)
        await pilot.press(*keys)
        await settle(reader_app, pilot)
        assert footer_line(reader_app) == expected


async def test_a_footer_key_hidden_for_want_of_room_comes_back_when_the_terminal_widens(reader_app):
    async with reader_app.run_test(size=(60, 24)) as pilot:
        await settle(reader_app, pilot)
        for width in (66, 80):
            await pilot.resize_terminal(width, 24)
            await settle(reader_app, pilot)
        assert footer_line(reader_app) == "⏎ Open n Next / Search r Read s Star u View ? Help q Quit ^p palette"
