"""Notes (a, Ctrl+E in $EDITOR) and tags (t) from the reader, and the dialog keys kept to the reader."""

from __future__ import annotations

import contextlib
import sys

import pytest
from conftest import SIZE, detail_shown, messages, notifications, settle, type_query
from textual.widgets import Input, TextArea

from tui_reader.app import ReaderApp
from tui_reader.controllers.library import edit_tags
from tui_reader.library import MarkStore
from tui_reader.screens.note import NoteScreen
from tui_reader.screens.prompt import ConfirmScreen
from tui_reader.screens.tags import TagScreen
from tui_reader.widgets import PaperDetail, PaperList


def row_text(app: ReaderApp, row: int = 0) -> str:
    plist = app.query_one(PaperList)
    return "".join(segment.text for segment in plist.render_line(row - plist.scroll_offset.y))


@pytest.fixture
def editor(tmp_path, monkeypatch):
    """$EDITOR is a script that writes its first argument into the file; the reader's suspend is a no-op (the
    test terminal cannot hand over)."""
    script = tmp_path / "fake-editor"
    script.write_text(f'#!{sys.executable}\nimport sys\nopen(sys.argv[-1], "a").write(sys.argv[1])\n')
    script.chmod(0o755)
    monkeypatch.setattr(ReaderApp, "suspend", lambda self: contextlib.nullcontext())
    monkeypatch.delenv("VISUAL", raising=False)
    return script


async def test_a_opens_the_note_editor_ctrl_s_saves_and_the_detail_shows_the_note(papers, store):
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        paper = app.reader_screen.current
        assert paper is not None
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"read the [b]appendix[/b]", "enter", *"twice")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, NoteScreen)
        assert store.get(paper.id).note == "read the [b]appendix[/b]\ntwice"
        assert "Note\nread the [b]appendix[/b]\ntwice" in detail_shown(app)  # literally, never markup
        assert "Note saved." in messages(app)
        await pilot.press("a")  # the editor opens on the note as saved
        await pilot.pause()
        assert app.screen.query_one(TextArea).text == "read the [b]appendix[/b]\ntwice"


async def test_esc_asks_before_dropping_changes_and_closes_at_once_without_any(papers, store):
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("escape")  # nothing typed: closes
        await pilot.pause()
        assert not isinstance(app.screen, NoteScreen | ConfirmScreen)
        await pilot.press("a", *"draft", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Drop your changes? y/n" in str(app.screen.query_one("Static").render())
        await pilot.press("n")  # keep editing: the text is still there
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen) and app.screen.text == "draft"
        await pilot.press("escape", "y")
        await settle(app, pilot)
        assert not isinstance(app.screen, NoteScreen | ConfirmScreen)
        assert store.all() == {}


async def test_a_note_too_long_is_one_notification_and_the_editor_keeps_it(papers, store, monkeypatch):
    from tui_reader.library import rules as store_module

    monkeypatch.setattr(store_module, "MAX_NOTE_CHARS", 5)
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("a", *"too long", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, NoteScreen) and app.screen.text == "too long"
        assert any("note too long" in message for message in messages(app))
        assert store.all() == {}


async def test_ctrl_e_edits_the_note_in_editor_and_saves_what_it_leaves(papers, store, editor, monkeypatch):
    store.set_note(papers[0].id, "first line")
    monkeypatch.setenv("EDITOR", f"{editor} 'added by the editor'")
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.query_one(PaperList).cursor = 0
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        assert store.get(papers[0].id).note == "first line\nadded by the editor"
        assert "added by the editor" in detail_shown(app)


async def test_an_editor_that_changes_nothing_or_cannot_start_changes_nothing(papers, store, editor, monkeypatch):
    monkeypatch.setenv("EDITOR", f"{editor} ''")  # appends nothing
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        assert store.all() == {} and not notifications(app)
        monkeypatch.setenv("EDITOR", "/no/such/editor --flag")
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        (problem,) = messages(app)
        assert problem.startswith("No editor found: tried $EDITOR ('/no/such/editor --flag')") and "\n" not in problem
        assert store.all() == {}


@pytest.fixture
def suspensions(monkeypatch):
    """Each time the reader steps aside for an editor: "suspended", then "resumed" once the screen is back
    as Textual's App.suspend does it: with no try/finally around its yield, an exception from the block inside
    it skips the resume (a headless test cannot suspend for real)."""
    from contextlib import contextmanager

    events: list[str] = []

    @contextmanager
    def suspend(self):
        events.append("suspended")
        yield
        events.append("resumed")

    monkeypatch.setattr(ReaderApp, "suspend", suspend)
    return events


@pytest.mark.parametrize(
    ("environment", "tried"),
    [
        ({"EDITOR": "no-such-editor-anywhere"}, "$EDITOR ('no-such-editor-anywhere')"),
        ({"VISUAL": "/no/such/visual", "EDITOR": "vi"}, "$VISUAL ('/no/such/visual')"),
        ({"PATH": "/nonexistent"}, "vi ($VISUAL and $EDITOR are not set)"),
    ],
)
async def test_an_editor_that_does_not_exist_is_one_line_and_the_reader_never_steps_aside(
    papers, store, suspensions, monkeypatch, environment, tried
):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        (problem,) = messages(app)
        assert problem.startswith(f"No editor found: tried {tried}") and "\n" not in problem
        assert suspensions == []
        await pilot.press("j")  # the reader still answers
        await settle(app, pilot)
        assert app.query_one(PaperList).cursor == 1


async def test_an_editor_that_fails_to_start_gives_the_screen_back(papers, store, suspensions, tmp_path, monkeypatch):
    broken = tmp_path / "broken-editor"
    broken.write_text("#!/no/such/interpreter\n")
    broken.chmod(0o755)  # found on the PATH, but it cannot be run
    monkeypatch.setenv("EDITOR", str(broken))
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        assert suspensions == ["suspended", "resumed"]
        (problem,) = messages(app)
        assert problem.startswith(f"Could not run the editor {str(broken)!r}") and "\n" not in problem


def test_typing_adds_words_and_removes_minus_words_ignoring_case():
    assert edit_tags(("rl", "Theory"), "foo bar -theory") == ("bar", "foo", "rl")
    assert edit_tags((), "-nothing") == ()
    with pytest.raises(ValueError, match="bad tag"):
        edit_tags(("rl",), "ok b@d")


async def test_t_tags_the_paper_in_one_undo_step_and_list_and_detail_show_them(papers, store):
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        paper = app.reader_screen.current
        assert paper is not None
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagScreen)
        await pilot.press(*"rl theory", "enter")
        await settle(app, pilot)
        assert store.get(paper.id).tags == ("rl", "theory")
        assert "Tags    rl  theory" in detail_shown(app)
        assert "#rl #theory" in row_text(app, app.query_one(PaperList).cursor)
        await pilot.press("t", *"-theory later", "enter")  # one change: one undo step
        await settle(app, pilot)
        assert store.get(paper.id).tags == ("later", "rl")
        await pilot.press("z")
        await settle(app, pilot)
        assert store.get(paper.id).tags == ("rl", "theory")
        assert app.reader.mark(paper.id).tags == ("rl", "theory")
        assert any(message.startswith("undone:") for message in messages(app))


async def test_the_tag_prompt_completes_existing_tags_and_lists_those_matching(papers, store):
    store.change_tags(papers[3].id, add=["robotics", "rl-theory", "vision"])
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.query_one(PaperList).cursor = 0
        await pilot.press("t", *"new -ro")
        await pilot.pause()
        known = str(app.screen.query_one("#tags-known").render())
        assert "robotics" in known and "vision" not in known
        await pilot.press("right")  # accepts the inline completion of the word being typed
        await pilot.pause()
        assert app.screen.query_one(Input).value == "new -robotics"
        await pilot.press("ctrl+u", *"rl-", "tab")  # Tab takes it too, and starts the next word
        await pilot.pause()
        assert app.screen.query_one(Input).value == "rl-theory "
        await pilot.press(*"VIS", "tab", "enter")
        await settle(app, pilot)
        assert store.get(papers[0].id).tags == ("rl-theory", "vision")


async def test_a_bad_tag_is_one_line_in_the_prompt_and_nothing_is_applied(papers, store):
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("t", *"good [bad]", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TagScreen)
        problem = str(app.screen.query_one("#prompt-problem").render())
        assert problem.startswith("bad tag '[bad]'") and "\n" not in problem
        assert store.all() == {}
        await pilot.press("backspace")  # typing again: the problem goes
        await pilot.pause()
        assert str(app.screen.query_one("#prompt-problem").render()) == ""
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, TagScreen)


async def test_the_detail_shows_note_and_tags_made_elsewhere(papers, store):
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.query_one(PaperList).cursor = 0
        with MarkStore.open(store.data_dir) as other:
            other.set_note(papers[0].id, "from \x1b[31mthe CLI")
            other.change_tags(papers[0].id, add=["later"])
        await settle(app, pilot)
        text = detail_shown(app)
        assert "Note\nfrom the CLI" in text and "Tags    later" in text
        assert isinstance(app.query_one(PaperDetail), PaperDetail)


async def test_the_dialog_keys_are_text_in_the_search_box_and_in_dialogs(papers, store):
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "atVA")
        assert app.query_one("#search", Input).value == "atVA" and app.screen is app.screen_stack[0]
        await pilot.press("escape", "escape")  # the query cleared (it matched nothing), back to the list
        await settle(app, pilot)
        await pilot.press("a", *"a tVA")  # in the note editor they are the note's text
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen) and app.screen.text == "a tVA"


async def test_the_palette_opens_the_note_editor_and_the_tag_prompt(papers, store):
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        for title, screen in (("Edit the note…", NoteScreen), ("Tag the paper…", TagScreen)):
            await pilot.press("ctrl+p")
            await pilot.pause()
            app.screen.dismiss()  # what choosing a command does first
            app.call_later(commands[title].callback)
            await settle(app, pilot)
            assert isinstance(app.screen, screen), title
            await pilot.press("escape")
            await pilot.pause()


async def test_the_dialog_keys_do_nothing_over_another_screen(papers, store):
    app = ReaderApp(papers, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark", "a", "t", "V", "A")
        await pilot.pause()
        assert len(app.screen_stack) == 2 and type(app.screen).__name__ == "HelpScreen"


def test_tags_starting_with_the_word_come_before_those_holding_it_each_once():
    from tui_reader.screens.tags import matching

    tags = ["Vision", "rl", "vision-language", "supervision", "RL-theory", "television"]
    assert matching(tags, "vis") == ["Vision", "vision-language", "supervision", "television"]
    assert matching(tags, "RL") == ["rl", "RL-theory"]
    assert matching(tags, "") == tags


def test_listing_matching_tags_is_linear_in_the_number_of_tags():
    """A hostile sync log can bring tens of thousands of tags: the prompt compares each tag a bounded number of
    times, never each against every other (counted, not timed)."""
    from tui_reader.screens.tags import matching

    compared = 0

    class Tag(str):
        __hash__ = str.__hash__

        def __eq__(self, other: object) -> bool:
            nonlocal compared
            compared += 1
            return str.__eq__(self, other)

    tags = [Tag(f"tag{number:04d}") for number in range(2_000)]
    assert len(matching(tags, "tag")) == 2_000
    assert len(matching(tags, "ag")) == 2_000  # held, not starting
    assert compared <= 10 * len(tags)
