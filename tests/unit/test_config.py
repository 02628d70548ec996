"""config.toml (tui_reader.config) and the corpus read when no PATH is given: the configured corpus (or the bundled
dumps) plus the fetched listings. A bad config file is one warning naming it, and the defaults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import S0, SEEDS, page, write

import tui_reader.config
from tui_reader.cli import main
from tui_reader.cli.common import corpus_paths
from tui_reader.config import (
    Config,
    config_file,
    default_corpus,
    demo_hidden_notice,
    load_config,
    save_setting,
    settings,
)
from tui_reader.corpus import bundled_seeds, corpus_files
from tui_reader.sorting import Sort
from tui_reader.views import View


@pytest.fixture
def config() -> Path:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def dumps(tmp_path) -> Path:
    folder = tmp_path / "dumps"
    folder.mkdir()
    write(folder / "a.txt", page("Mar 11", "Configured corpus paper", "An abstract of the configured paper."))
    return folder


def test_the_config_file_is_in_the_xdg_config_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert config_file() == tmp_path / "cfg" / "tui-reader" / "config.toml"


def test_no_config_file_is_the_defaults_silently():
    assert load_config() == Config(None, ())


def test_corpus_paths_with_tilde_and_relative_to_the_config_file(config, dumps, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    (config.parent / "local").mkdir()
    config.write_text('corpus = ["~/dumps", "local"]\n')
    assert load_config() == Config((dumps, config.parent / "local"), ())


def test_a_relative_sync_dir_is_relative_to_the_config_file_not_the_working_folder(config, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    config.write_text('sync_dir = "shared/reader"\n')
    assert load_config().sync_dir == config.parent / "shared" / "reader"
    config.write_text('sync_dir = "~/Sync/reader"\n')
    assert load_config().sync_dir == tmp_path / "Sync" / "reader"


def test_one_path_as_a_string_is_accepted(config, dumps):
    config.write_text(f"corpus = {json.dumps(str(dumps))}\n")
    assert load_config().corpus == (dumps,)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("corpus = [", "invalid TOML"),
        ("corpus = 3", "'corpus' must be a list of paths (strings), not int"),
        ("corpus = [1, 2]", "not a list holding something else"),
        ("corpus = {a = 1}", "not dict"),
        ("[corpus]\npath = 'x'", "not dict"),
    ],
)
def test_a_bad_config_is_one_warning_naming_the_file_and_the_defaults(config, content, problem):
    config.write_text(content)
    loaded = load_config()
    assert loaded.corpus is None
    assert len(loaded.warnings) == 1
    assert loaded.warnings[0].startswith(f"{config}: ")
    assert problem in loaded.warnings[0] and "using the defaults" in loaded.warnings[0]
    assert "\n" not in loaded.warnings[0]


def test_bytes_that_are_not_text_and_a_folder_in_its_place(config):
    config.write_bytes(b"corpus = ['\xff']")
    assert "not UTF-8" in load_config().warnings[0]
    config.unlink()
    config.mkdir()
    (warning,) = load_config().warnings
    assert warning.startswith(f"{config}: cannot read")


def test_a_missing_path_is_left_out_and_the_rest_read(config, dumps, tmp_path):
    config.write_text(f"corpus = [{json.dumps(str(tmp_path / 'gone'))}, {json.dumps(str(dumps))}]\n")
    loaded = load_config()
    assert loaded.corpus == (dumps,)
    assert loaded.warnings == (f"{config}: corpus path {tmp_path / 'gone'} does not exist; left out",)


def test_no_existing_path_at_all_is_the_bundled_dumps(config, tmp_path):
    config.write_text(f"corpus = [{json.dumps(str(tmp_path / 'gone'))}]\n")
    loaded = load_config()
    assert loaded.corpus is None
    assert len(loaded.warnings) == 2 and "using the bundled dumps" in loaded.warnings[1]


def test_an_unknown_setting_is_a_warning_and_the_rest_is_used(config, dumps):
    config.write_text(f"corpus = [{json.dumps(str(dumps))}]\ncolour = 'dark'\n")
    loaded = load_config()
    assert loaded.corpus == (dumps,)
    known = "corpus, theme, view, sort, start, keymap, detail_size, sync_dir, demo, arxiv, watch, refresh"
    assert loaded.warnings == (f"{config}: unknown setting 'colour' ignored (known: {known})",)


@pytest.mark.parametrize(
    "text",
    [
        "corpus = " + "[" * 500 + '"x"' + "]" * 500 + "\n",  # 1 KB: deeper than the parser's stack
        "[keymap]\nquit = " + "[" * 500 + "]" * 500 + "\n",
        "a = " + "{b = " * 400 + "1" + "}" * 400 + "\n",
    ],
    ids=["corpus", "keymap", "tables"],
)
def test_a_config_nested_too_deeply_is_one_warning_and_the_defaults(config, text, capsys):
    config.write_text(text)
    loaded = load_config()
    assert loaded.corpus is None and loaded.keymap == {}
    (warning,) = loaded.warnings
    assert warning.startswith(f"{config}: ") and warning.endswith("using the defaults")
    assert main(["list"]) == 0  # every command goes on, with one warning line
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.splitlines()) == 1


def test_hundreds_of_unknown_settings_are_one_warning_counting_them(config):
    config.write_text("".join(f"unknown_{n} = {n}\n" for n in range(500)) + "theme = 'textual-light'\n")
    loaded = load_config()
    known = "corpus, theme, view, sort, start, keymap, detail_size, sync_dir, demo, arxiv, watch, refresh"
    assert loaded.warnings == (
        f"{config}: 500 unknown settings ignored: 'unknown_0', 'unknown_1', 'unknown_2' and 497 more (known: {known})",
    )
    assert loaded.theme == "textual-light"


def test_names_in_warnings_are_cleaned(config, tmp_path):
    config.write_text('corpus = ["/nowhere/\\u001b[2Jx"]\n')
    (warning, _) = load_config().warnings
    assert "\x1b" not in warning and "/nowhere/x" in warning


# --- the default corpus --------------------------------------------------------------------------------------


def listings(data: Path, *days: str) -> Path:
    folder = data / "listings"
    folder.mkdir(parents=True)
    for day in days:
        (folder / f"{day}.json").write_text("[]")
    return folder


def test_no_config_bundled_dumps_plus_days_fetched_without_papers(tmp_path):
    folder = listings(tmp_path / "data", "2024-03-12", "2024-03-11")  # weekend days: [] each
    paths = default_corpus(tmp_path / "data", Config())
    assert paths == [bundled_seeds(), folder]
    files = corpus_files(paths)
    assert [f.name for f in files[-2:]] == ["2024-03-11.json", "2024-03-12.json"]
    assert files[:-2] == corpus_files([bundled_seeds()])


def fetched_day(data: Path, day: str = "2026-02-25") -> Path:
    """A listing with one paper, as `tui-reader fetch` stores it."""
    folder = data / "listings"
    folder.mkdir(parents=True, exist_ok=True)
    item = {"paper": {"id": "2602.00001", "title": "A fetched paper", "summary": "Real.", "authors": []}}
    (folder / f"{day}.json").write_text(json.dumps([item]))
    return folder


def test_after_the_first_fetch_with_papers_the_demo_papers_are_hidden(tmp_path):
    folder = fetched_day(tmp_path / "data")
    assert default_corpus(tmp_path / "data", Config()) == [folder]


@pytest.mark.parametrize(("setting", "flag"), [(True, False), (None, True)])
def test_demo_true_or_the_flag_brings_them_back(tmp_path, setting, flag):
    folder = fetched_day(tmp_path / "data")
    assert default_corpus(tmp_path / "data", Config(demo=setting), demo=flag) == [bundled_seeds(), folder]


def test_demo_false_hides_them_before_any_fetch_but_never_leaves_nothing(tmp_path):
    folder = listings(tmp_path / "data", "2024-03-11")
    assert default_corpus(tmp_path / "data", Config(demo=False)) == [folder]
    assert default_corpus(tmp_path / "other", Config(demo=False)) == [bundled_seeds()]  # nothing else to read


def test_demo_setting_is_read_from_the_file_and_checked(config):
    config.write_text("demo = true\n")
    assert load_config().demo is True
    config.write_text('demo = "yes"\n')
    loaded = load_config()
    assert loaded.demo is None
    assert loaded.warnings == (f"{config}: 'demo' must be true or false, not 'yes'; using the default",)


def test_the_demo_papers_being_hidden_is_said_once(tmp_path):
    data = tmp_path / "data"
    assert demo_hidden_notice(data, Config()) is None  # nothing fetched: they are shown
    fetched_day(data)
    notice = demo_hidden_notice(data, Config())
    assert notice is not None and "--demo" in notice and "demo = true" in notice
    assert demo_hidden_notice(data, Config()) is None  # said once
    fresh = tmp_path / "fresh"
    fetched_day(fresh)
    assert demo_hidden_notice(fresh, Config(demo=True)) is None  # shown: nothing to say


def test_nothing_fetched_yet_is_the_bundled_dumps_alone(tmp_path):
    assert default_corpus(tmp_path / "data", Config()) == [bundled_seeds()]


def test_an_empty_corpus_list_is_the_same_as_no_corpus_setting(config, tmp_path, capsys):
    """corpus = [] adds no files of the user's own: the demo papers until a fetch brings papers, then the listings."""
    config.write_text("corpus = []\n")
    data = tmp_path / "data"
    assert (corpus_paths([], data), capsys.readouterr().err) == ([bundled_seeds()], "")
    weekend = listings(data, "2024-03-16")  # a fetch that found no papers leaves the demo papers
    assert corpus_paths([], data) == [bundled_seeds(), weekend]
    fetched_day(data)
    assert corpus_paths([], data) == [weekend]


def test_configured_corpus_plus_everything_fetched(config, dumps, tmp_path, capsys):
    folder = listings(tmp_path / "data", "2024-03-11")
    config.write_text(f"corpus = [{json.dumps(str(dumps))}]\n")
    paths = corpus_paths([], tmp_path / "data")
    assert (paths, capsys.readouterr().err) == ([dumps, folder], "")
    assert corpus_files(paths) == [dumps / "a.txt", folder / "2024-03-11.json"]


def test_path_arguments_win_over_the_config(config, dumps, tmp_path, capsys):
    config.write_text("corpus = [")  # not even read (by list and mark; the reader reads it for its settings)
    assert corpus_paths([SEEDS / S0], tmp_path) == [SEEDS / S0]
    assert capsys.readouterr().err == ""


def test_a_folder_holds_json_listings_too_in_name_order(tmp_path):
    write(tmp_path / "b.txt", "x")
    write(tmp_path / "a.json", "[]")
    write(tmp_path / "c.json", "[]")
    write(tmp_path / "notes.md", "x")
    assert [p.name for p in corpus_files([tmp_path])] == ["a.json", "b.txt", "c.json"]


def test_list_reads_the_configured_corpus(config, dumps, capsys, data_dir):
    config.write_text(f"corpus = [{json.dumps(str(dumps))}]\n")
    assert main(["list", "--data-dir", str(data_dir)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert [line.split("  ")[-1].strip() for line in out.splitlines()] == ["Configured corpus paper"]


def test_list_with_a_bad_config_warns_once_and_lists_the_bundled_dumps(config, capsys, data_dir):
    config.write_text("corpus = 3")
    assert main(["list", "--data-dir", str(data_dir)]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 211
    assert err.splitlines() == [
        f"tui-reader: warning: {config}: 'corpus' must be a list of paths (strings), not int; using the defaults"
    ]


def test_mark_finds_ids_in_the_configured_corpus(config, dumps, capsys, data_dir):
    config.write_text(f"corpus = [{json.dumps(str(dumps))}]\n")
    main(["list", "--data-dir", str(data_dir)])
    paper_id = capsys.readouterr().out.split()[0]
    assert main(["mark", paper_id, "--star", "--data-dir", str(data_dir)]) == 0
    assert "Configured corpus paper" in capsys.readouterr().out


# --- the reader's settings: theme, view, sort, start, [keymap] -----------------------------------------------


def test_the_readers_settings_are_read(config):
    config.write_text(
        '# comment\ntheme = "nord"\nview = "unread"\nsort = "upvotes"\nstart = "top"\ndetail_size = 60\n\n'
        '[keymap]\ntoggle-star = "x"\n"list.open" = "o,enter"\n'
    )
    loaded = load_config()
    assert (loaded.theme, loaded.view, loaded.sort, loaded.start) == ("nord", "unread", "upvotes", "top")
    assert loaded.detail_size == 60
    assert loaded.keymap == {"toggle-star": "x", "list.open": "o,enter"}
    assert loaded.warnings == ()


def test_the_settings_default_to_all_corpus_order_and_the_first_unread_paper():
    loaded = load_config()
    assert (loaded.theme, loaded.view, loaded.sort, loaded.start, loaded.keymap, loaded.detail_size) == (
        None,
        "all",
        None,
        "first-unread",
        {},
        None,
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('view = "read"', "'view' must be one of all, unread, starred, new, watched, not 'read'; using the default"),
        ("sort = 1", "'sort' must be one of newest, oldest, upvotes, title, relevance, not int; using the default"),
        ("start = true", "'start' must be one of first-unread, top, not bool; using the default"),
        ("theme = 3", "'theme' must be a string (a theme name), not int; ignored"),
        ('keymap = "x"', "'keymap' must be a table ([keymap]), not str; ignored"),
        ("[keymap]\nhelp = ['h']", '[keymap] help: keys must be a string like "ctrl+s", not list; ignored'),
        ('[keymap]\nhelp = ""', "[keymap] help: keys must be a string like \"ctrl+s\", not ''; ignored"),
        ("detail_size = 90", "'detail_size' must be a whole number from 20 to 80 (percent), not 90; using the default"),
        ("detail_size = 19", "'detail_size' must be a whole number from 20 to 80 (percent), not 19; using the default"),
        (
            "detail_size = 50.5",
            "'detail_size' must be a whole number from 20 to 80 (percent), not float; using the default",
        ),
        (
            'detail_size = "50"',
            "'detail_size' must be a whole number from 20 to 80 (percent), not '50'; using the default",
        ),
        (
            "detail_size = true",
            "'detail_size' must be a whole number from 20 to 80 (percent), not bool; using the default",
        ),
    ],
)
def test_a_bad_setting_is_one_warning_and_its_default(config, content, problem):
    config.write_text(('start = "top"\n' if not content.startswith("start") else "") + content + "\n")
    loaded = load_config()
    assert loaded.warnings == (f"{config}: {problem}",)
    assert (loaded.view, loaded.sort, loaded.theme, loaded.detail_size) == ("all", None, None, None)
    assert loaded.start == ("first-unread" if content.startswith("start") else "top")  # the others still apply


def test_save_theme_keeps_comments_and_other_settings_and_writes_atomically(config):
    original = '# my settings\ncorpus = ["a"]  # where my dumps are\n\n[keymap]\n# star with x\ntoggle-star = "x"\n'
    config.write_text(original)
    assert save_setting("theme", "nord") == ""
    text = config.read_text()
    assert text.startswith('# my settings\ncorpus = ["a"]  # where my dumps are\ntheme = "nord"\n')
    assert text.endswith('[keymap]\n# star with x\ntoggle-star = "x"\n')
    with open(config, encoding="utf-8") as before:  # a reader of the old file still reads it whole
        assert save_setting("theme", "gruvbox") == ""
        assert before.read() == text
    assert config.read_text() == (
        '# my settings\ncorpus = ["a"]  # where my dumps are\ntheme = "gruvbox"\n\n'
        '[keymap]\n# star with x\ntoggle-star = "x"\n'
    )
    assert [p.name for p in config.parent.iterdir()] == ["config.toml"]  # no temporary file left


def test_save_theme_creates_the_file_and_folder_when_there_is_none():
    assert not config_file().exists()
    assert save_setting("theme", "nord") == ""
    assert config_file().read_text() == 'theme = "nord"\n'


@pytest.mark.parametrize("content", [b'theme = "x"\nview = [\n', b"theme = '\xff'\n"])
def test_save_theme_never_overwrites_a_broken_file(config, content):
    config.write_bytes(content)
    problem = save_setting("theme", "nord")
    assert problem.startswith(f"{config}: ") and problem.endswith("; the theme was not saved")
    assert config.read_bytes() == content


# --- the settings as declared: one field each, read by one validator -------------------------------------------


def test_every_setting_has_its_help_and_its_line_in_the_documented_example():
    example = tui_reader.config.__doc__ or ""
    for setting in settings():
        assert setting.help and "\n" not in setting.help
        assert f"\n    {setting.name} = " in example or f"\n    [{setting.name}]" in example, setting.name


def test_the_view_and_sort_choices_are_the_readers_own():
    choices = {setting.name: setting.choices for setting in settings()}
    assert choices["view"] == tuple(view.value for view in View)
    assert sorted(choices["sort"]) == sorted(sort.value for sort in Sort)


@pytest.mark.parametrize("setting", settings(), ids=lambda setting: setting.name)
def test_a_value_of_the_wrong_type_is_one_warning_and_the_default_for_every_setting(config, setting):
    config.write_text(f"{setting.name} = 1.5\n")
    loaded = load_config()
    (warning,) = loaded.warnings
    assert warning.startswith(f"{config}: '{setting.name}' must be {setting.expects}")
    assert warning.endswith(f"; {setting.otherwise}")
    assert getattr(loaded, setting.name) == getattr(Config(), setting.name)


def test_marks_on_demo_papers_are_kept_when_they_are_hidden_and_come_back_with_them(capsys, seeds_corpus, tmp_path):
    data = tmp_path / "data"
    demo_paper = seeds_corpus.papers[7]
    assert main(["mark", demo_paper.id, "--star", "--data-dir", str(data)]) == 0
    fetched_day(data)
    capsys.readouterr()
    assert main(["list", "--starred", "--data-dir", str(data)]) == 0
    assert capsys.readouterr().out == ""  # hidden with the demo papers
    assert main(["list", "--starred", "--demo", "--data-dir", str(data)]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == [demo_paper.id]
    assert main(["list", "--data-dir", str(data)]) == 0
    assert [line.split("  ")[-1].strip() for line in capsys.readouterr().out.splitlines()] == ["A fetched paper"]


def test_arxiv_categories_are_read_and_each_bad_one_is_a_warning_of_its_own(config):
    config.write_text('arxiv = ["cs.CL", "cs.LG"]\n')
    assert load_config() == Config(arxiv=("cs.CL", "cs.LG"))
    config.write_text('arxiv = "cs.CL"\n')  # one, written without brackets
    assert load_config().arxiv == ("cs.CL",)
    config.write_text('arxiv = ["cs.CL", "cs CL", 3]\n')
    loaded = load_config()
    assert loaded.arxiv == ("cs.CL",)
    assert loaded.warnings == (
        f"{config}: 'arxiv': 'cs CL' is not an arXiv category like \"cs.CL\"; left out",
        f"{config}: 'arxiv': int is not an arXiv category like \"cs.CL\"; left out",
    )
    config.write_text("arxiv = 3\n")
    loaded = load_config()
    assert loaded.arxiv == ()
    assert loaded.warnings == (
        f"{config}: 'arxiv' must be a list of arXiv categories (strings like \"cs.CL\"), not int; no arXiv feed is "
        "fetched",
    )


def test_arxiv_answers_join_the_default_corpus_and_hide_the_demo_once_they_hold_papers(tmp_path):
    from support.arxiv_server import EMPTY_CHANNEL, RSS_NEW

    data = tmp_path / "data"
    arxiv = data / "listings" / "arxiv"
    arxiv.mkdir(parents=True)
    (arxiv / "2026-04-25_cs.CL.xml").write_text(EMPTY_CHANNEL.format(cats="cs.CL"))  # a Saturday: no papers
    assert default_corpus(data, Config()) == [bundled_seeds(), data / "listings", arxiv]
    (arxiv / "2026-04-27_cs.CL.xml").write_bytes(RSS_NEW.read_bytes())
    assert default_corpus(data, Config()) == [data / "listings", arxiv]


# --- the watch list -------------------------------------------------------------------------------------------


def test_the_watch_list_is_read_and_an_entry_that_is_not_a_string_is_one_warning(config):
    config.write_text('watch = ["author:Dunson", 3, "", "spectral"]\ntheme = "nord"\n')
    loaded = load_config()
    assert loaded.watch == ("author:Dunson", "spectral") and loaded.theme == "nord"
    assert loaded.warnings == (
        f"{config}: watch entry int is not a query (a string); left out",
        f"{config}: watch entry '' is not a query (a string); left out",
    )


def test_adding_to_the_watch_list_keeps_its_comments_and_writes_atomically(config):
    from tui_reader.config import append_setting

    original = '# mine\nwatch = [\n  "author:Dunson",  # the Bayesian\n  "spectral",\n]\ntheme = "nord"\n'
    config.write_text(original)
    with open(config, encoding="utf-8") as before:
        assert append_setting("watch", 'author:"Ann Lee"') == ""
        assert before.read() == original  # the old file, whole, for whoever had it open
    assert config.read_text() == (
        '# mine\nwatch = [\n  "author:Dunson",  # the Bayesian\n  "spectral",\n  \'author:"Ann Lee"\',\n]\n'
        'theme = "nord"\n'
    )
    assert load_config().watch == ("author:Dunson", "spectral", 'author:"Ann Lee"')
    assert append_setting("watch", "spectral") == ""  # there already: unchanged
    assert load_config().watch == ("author:Dunson", "spectral", 'author:"Ann Lee"')


def test_adding_to_a_watch_list_that_is_not_there_or_a_single_string(config):
    from tui_reader.config import append_setting

    assert append_setting("watch", "spectral") == ""
    assert config.read_text() == "watch = ['spectral']\n"
    config.write_text('watch = "spectral"\n')
    assert append_setting("watch", "cat:cs.CL") == ""
    assert config.read_text() == "watch = [\"spectral\", 'cat:cs.CL']\n"
    config.write_bytes(b'watch = ["a"\n')  # broken: never rewritten
    assert append_setting("watch", "b").endswith("; the watch was not saved")
    assert config.read_bytes() == b'watch = ["a"\n'
