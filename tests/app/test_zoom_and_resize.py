"""Room to read: w zooms the detail to the whole width and back (Esc too), and < > (Alt+← →) give the detail
more or less of the panes, a size written to config.toml and used at the next start."""

from __future__ import annotations

import tomllib

from conftest import SIZE, app_as_launched, detail_shown, settle

from tui_reader.config import config_file
from tui_reader.widgets import PaperDetail, PaperList


def regions(app):
    return app.query_one(PaperList).region, app.query_one(PaperDetail).region


def footer_keys(app) -> str:
    return " ".join(str(key.render()) for key in app.screen.query("FooterKey") if key.region.width)


async def test_w_shows_the_detail_alone_and_j_still_moves_between_papers(reader_app, papers):
    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        assert "w Zoom" in footer_keys(reader_app)
        await pilot.press("w")
        await pilot.pause()
        plist, detail = regions(reader_app)
        assert plist.width == 0 and detail.width == SIZE[0]  # the list gone, the detail the terminal's width
        await pilot.press("j")
        await pilot.pause()
        assert detail_shown(reader_app).startswith(papers[1].title[:40])  # the next paper, full width
        await pilot.press("w")
        await pilot.pause()
        plist, detail = regions(reader_app)
        assert plist.width == 72 and detail.width == 48  # as before: 3 to 2
        assert reader_app.query_one(PaperList).cursor == 1


async def test_esc_leaves_the_zoom_from_the_list_and_from_the_detail(reader_app):
    async with reader_app.run_test(size=(60, 20)) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("w")
        await pilot.pause()
        assert regions(reader_app)[0].height == 0
        await pilot.press("escape")
        await pilot.pause()
        assert regions(reader_app)[0].height == 8  # stacked again, the list on top
        await pilot.press("enter", "w")  # the detail focused, then zoomed: j scrolls it
        await pilot.pause()
        assert reader_app.focused is reader_app.query_one(PaperDetail)
        await pilot.press("escape")
        await pilot.pause()
        assert regions(reader_app)[0].height == 8 and reader_app.focused is reader_app.query_one(PaperList)


async def test_the_keys_widen_and_narrow_the_detail_within_limits(reader_app):
    async with reader_app.run_test(size=(120, 36)) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert regions(reader_app)[1].width == 60  # 50% of 120
        await pilot.press("alt+right", "alt+right", "alt+right", "alt+right")
        await pilot.pause()
        assert [r.width for r in regions(reader_app)] == [30, 90]  # 80%: the list keeps 30 columns
        for _ in range(8):
            await pilot.press("less_than_sign")
        await pilot.pause()
        assert [r.width for r in regions(reader_app)] == [80, 40]  # 20% would be 24: the detail keeps 40
        await pilot.press("alt+right", "alt+right")  # 20% -> 40%: the steps count from the share, not the limit
        await pilot.pause()
        assert regions(reader_app)[1].width == 48


async def test_stacked_the_keys_make_the_detail_taller_and_shorter(reader_app):
    async with reader_app.run_test(size=(60, 20)) as pilot:
        await settle(reader_app, pilot)
        assert [r.height for r in regions(reader_app)] == [8, 9]
        await pilot.press("greater_than_sign", "greater_than_sign")  # 50% -> 70% of the 17 rows
        await pilot.pause()
        assert [r.height for r in regions(reader_app)] == [5, 12]
        await pilot.press(*["greater_than_sign"] * 3)
        await pilot.pause()
        assert [r.height for r in regions(reader_app)] == [4, 13]  # the list keeps 4 rows (3 of titles)


async def test_the_size_is_written_to_config_toml_and_the_next_start_opens_with_it(config_toml, papers, store):
    path = config_toml('# mine\ntheme = "nord"\n')
    app = app_as_launched(papers, store)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("greater_than_sign", "greater_than_sign")
        await settle(app, pilot)
    assert path == config_file()
    with open(path, "rb") as f:
        assert tomllib.load(f) == {"theme": "nord", "detail_size": 60}
    assert path.read_text().startswith("# mine\n")
    again = app_as_launched(papers, store)
    async with again.run_test(size=(120, 36)) as pilot:
        await settle(again, pilot)
        assert [r.width for r in regions(again)] == [48, 72]  # 60% of 120


async def test_the_help_lists_the_zoom_and_resize_keys(reader_app):
    from tui_reader.screens.help import HelpScreen

    async with reader_app.run_test(size=SIZE) as pilot:
        await settle(reader_app, pilot)
        await pilot.press("question_mark")
        assert isinstance(reader_app.screen, HelpScreen)
        keys = dict(reader_app.screen.keys)
        assert keys["w"].startswith("Show the detail alone, full width")
        assert keys["> / Alt+→"].startswith("Widen the detail pane")
        assert keys["< / Alt+←"].startswith("Narrow the detail pane")
