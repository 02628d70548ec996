"""SVG snapshots of the screens users see (pytest-textual-snapshot). Update with `--snapshot-update`
after checking the new SVGs by eye."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ARXIV_PAPER

from tui_reader.app import ReaderApp
from tui_reader.library import MarkStore
from tui_reader.paper import Paper


@pytest.fixture
def make_app(seeds_corpus, data_dir):
    stores = []

    def make(starred: int = 0, read: int = 0) -> ReaderApp:
        store = MarkStore.open(data_dir)
        stores.append(store)
        for paper in seeds_corpus.papers[1 : 1 + starred]:
            store.set_starred(paper.id, True)
        for paper in seeds_corpus.papers[:read]:
            store.set_read(paper.id, True)
        return ReaderApp(seeds_corpus.papers, store)

    yield make
    for store in stores:
        store.close()


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def typing(text: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        if text:
            await pilot.press("slash", *text)
        await settle(pilot)

    return run_before


def test_main_screen(snap_compare, make_app):
    assert snap_compare(make_app(starred=2, read=3), terminal_size=(120, 36), run_before=typing(""))


def test_filtered_screen(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=typing("diffusion"))


def test_empty_result_screen(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=typing("zzqxjv"))


def test_narrow_layout(snap_compare, make_app):
    assert snap_compare(make_app(starred=1), terminal_size=(80, 36), run_before=typing(""))


def test_selection_and_note_markers(snap_compare, make_app, seeds_corpus, data_dir):
    with MarkStore.open(data_dir) as store:
        store.set_note(seeds_corpus.papers[2].id, "compare with the baseline")
    app = make_app(starred=2, read=1)
    # the second and fourth papers selected: markers, the status count, the cursor moved on to the fifth
    assert snap_compare(app, terminal_size=(80, 24), run_before=pressing("j", "space", "j", "v"))


def test_watched_and_announced_markers(snap_compare, seeds_corpus, data_dir):
    # papers from an arXiv feed: two cross-listed, one replaced; three watched (the second by two watches)
    kinds = {1: "cross", 3: "replace", 4: "cross", 6: "replace-cross"}
    papers = [
        Paper(p.id, p.title, p.abstract, p.dates, authors=p.authors, announce_type=kinds.get(i, "new"))
        for i, p in enumerate(seeds_corpus.papers[:12])
    ]
    store = MarkStore.open(data_dir)
    app = ReaderApp(papers, store)
    watched = {papers[1].id: ("diffusion", 'author:"Dunson"'), papers[2].id: ("spectral",), papers[5].id: ("rl",)}

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.reader_screen.news.found(frozenset(), watched)  # as the news worker reports them
        await pilot.press("j")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
    store.close()


def test_help_screen(snap_compare, make_app):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=run_before)


def pressing(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


def test_open_menu(snap_compare, seeds_corpus, store):
    """The o menu over a paper with an arXiv id and a link; the list shows its authors."""
    app = ReaderApp([ARXIV_PAPER, *seeds_corpus.papers], store)
    assert snap_compare(app, terminal_size=(120, 36), run_before=pressing("o"))


def test_open_menu_narrow(snap_compare, seeds_corpus, store):
    app = ReaderApp([ARXIV_PAPER, *seeds_corpus.papers], store)
    assert snap_compare(app, terminal_size=(60, 20), run_before=pressing("o"))


def test_export_dialog(snap_compare, seeds_corpus, store, monkeypatch):
    from tui_reader.export import EXTENSIONS
    from tui_reader.screens import export

    monkeypatch.setattr(
        export, "default_export_path", lambda fmt: Path(f"/papers/tui-reader-export-20240311{EXTENSIONS[fmt]}")
    )
    store.set_starred(seeds_corpus.papers[2].id, True)
    app = ReaderApp(seeds_corpus.papers, store)
    assert snap_compare(app, terminal_size=(120, 36), run_before=pressing("e", "tab", "right"))


def test_small_layout(snap_compare, make_app):
    """60x20: a one-row search box, the list, the detail down to the abstract's first lines, ? and q shown."""
    assert snap_compare(make_app(starred=1, read=1), terminal_size=(60, 20), run_before=typing(""))


def test_tiny_layout(snap_compare, make_app):
    """40x12: still three list rows, and ? and q in the footer."""
    assert snap_compare(make_app(starred=1), terminal_size=(40, 12), run_before=typing(""))


def test_note_editor(snap_compare, seeds_corpus, store):
    """The note editor over the reader: the paper's title, the note being written, how to save and close."""
    store.set_note(ARXIV_PAPER.id, "Compare with the [b]2023[/b] baseline.\nAsk Ada about the code.")
    app = ReaderApp([ARXIV_PAPER, *seeds_corpus.papers], store)
    assert snap_compare(app, terminal_size=(120, 36), run_before=pressing("a", *" Soon."))


def test_tag_prompt(snap_compare, seeds_corpus, store):
    """The tag prompt: the paper's tags, a word being completed inline, the used tags that match it; the list
    shows tags (dimmed, after the authors)."""
    store.change_tags(ARXIV_PAPER.id, add=["diffusion", "to-read"])
    store.change_tags(seeds_corpus.papers[0].id, add=["rl"])
    store.change_tags(seeds_corpus.papers[1].id, add=["robotics", "reading-group"])
    app = ReaderApp([ARXIV_PAPER, *seeds_corpus.papers], store)
    assert snap_compare(app, terminal_size=(120, 36), run_before=pressing("t", *"fast -to r"))


REAL_ARXIV = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "real"
    / "arxiv_snapshot_first100_wanng-ide_arxivSpider_mnbvc.jsonl"
)


@pytest.fixture
def arxiv_app(store):
    """The real arXiv records, the first (categories, a journal reference, comments) with a note and tags."""
    from tui_reader.corpus import load_corpus

    papers = load_corpus([REAL_ARXIV]).papers
    store.set_note(papers[0].id, "Compare with the NLO numbers in the survey before the group meets.")
    store.change_tags(papers[0].id, add=("survey", "physics"))
    return ReaderApp(papers, store)


@pytest.mark.parametrize("size", [(120, 36), (80, 24), (60, 20)], ids=["120x36", "80x24", "60x20"])
def test_arxiv_paper(snap_compare, arxiv_app, size):
    """An arXiv paper with a note and tags: its abstract's first lines in sight at every size."""
    assert snap_compare(arxiv_app, terminal_size=size, run_before=typing(""))


@pytest.mark.parametrize("size", [(120, 36), (80, 24), (60, 20)], ids=["120x36", "80x24", "60x20"])
def test_zoomed(snap_compare, arxiv_app, size):
    """w: the detail alone, the terminal's whole width, the search box, status line and footer kept."""
    assert snap_compare(arxiv_app, terminal_size=size, run_before=pressing("w"))


def test_detail_widened(snap_compare, make_app):
    """> twice: the detail takes 60% of the width."""
    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=pressing(">", ">"))
