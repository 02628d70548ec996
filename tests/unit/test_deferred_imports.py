"""Import hygiene: the layers below the app never load Textual, and the reader's first paint loads no numpy.

Start-up speed and a clean core rest on a dozen deferred imports; these tests keep them deferred. Each check runs
in a fresh interpreter (this test process has long since imported everything).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def modules_after(code: str) -> set[str]:
    """The top-level packages loaded after running ``code`` in a fresh interpreter."""
    probe = textwrap.dedent(code) + textwrap.dedent(
        """
        import json as _json, sys as _sys
        print(_json.dumps(sorted({name.partition(".")[0] for name in _sys.modules})))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "module",
    [
        "tui_reader.paper",
        "tui_reader.sources.dumps",
        "tui_reader.sources.hf_daily",
        "tui_reader.sources.arxiv",
        "tui_reader.config",
        "tui_reader.fetch",
        "tui_reader.files",
        "tui_reader.corpus",
        "tui_reader.search",
        "tui_reader.search.forms",
        "tui_reader.library.store",
        "tui_reader.saving",
        "tui_reader.sync",
        "tui_reader.state",
        "tui_reader.safe_text",
        "tui_reader.export",
        "tui_reader.dates",
        "tui_reader.sorting",
        "tui_reader.links",
        "tui_reader.clipboard",
        "tui_reader.state",
    ],
)
def test_the_layers_below_the_app_load_no_textual(module):
    loaded = modules_after(f"import {module}")
    assert "textual" not in loaded and "rich" not in loaded


@pytest.mark.parametrize(
    "argv",
    [
        ["list"],
        ["list", "--format", "json", "--starred"],
        ["list", "--query", "diffusion"],
        ["mark", "0123456789ab", "--read"],  # an unknown id: exits 2, but through the same imports
        ["marks", "export"],
        ["export", "--format", "bibtex"],
        ["export", "--format", "csv", "--query", "diffusion"],
    ],
)
def test_the_scripting_commands_load_no_textual(argv, tmp_path):
    loaded = modules_after(
        f"""
        import contextlib, io
        from tui_reader.cli import main
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            main({[*argv, "--data-dir", str(tmp_path)]!r})
        """
    )
    assert "textual" not in loaded
    assert ("numpy" in loaded) == ("--query" in argv)  # only a search needs the index


def test_the_readers_first_paint_loads_no_numpy(tmp_path):
    """numpy (the search index) is imported by the indexing worker, after the first frame is on screen."""
    loaded = modules_after(
        f"""
        import sys
        from tui_reader.app import ReaderApp
        from tui_reader.corpus import load_corpus
        from tui_reader.library import MarkStore

        seen = {{}}

        class Probe(ReaderApp):
            def first_frame_shown(self):
                seen["numpy"] = "numpy" in sys.modules
                self.exit()

        store = MarkStore.open({str(tmp_path)!r}, writable=False)
        Probe(load_corpus().papers, store).run(headless=True, size=(100, 30))
        assert seen == {{"numpy": False}}, seen
        """
    )
    assert "textual" in loaded  # the probe really ran the app


def test_the_launchs_first_frame_waits_for_no_module_it_does_not_show(tmp_path):
    """`tui-reader` on the seeds, up to its first frame: the mark saver (and sync) load after it, the menus and
    prompts when first shown, json when a record is read or written, the version when asked, tomllib when there
    is a config.toml, numpy with the index. Each was a few ms of every launch. (A launch before it has parsed the
    seeds once, as every launch but the first finds them: parsing loads pylatexenc, which loads json.)"""
    later = [
        "tui_reader.saving",
        "tui_reader.sync",
        "tui_reader.screens.choice",
        "tui_reader.screens.prompt",
        "json",
        "importlib.metadata",
        "tomllib",
        "numpy",
    ]
    modules_after("from tui_reader.corpus import load_corpus; load_corpus()")  # the parse cache, as a first launch
    modules_after(
        f"""
        import sys
        from tui_reader.app import ReaderApp
        from tui_reader.cli import main

        seen = {{}}
        run = ReaderApp.run

        def headless(self, *args, **kwargs):
            return run(self, headless=True, size=(100, 30))

        def first_frame_shown(self):
            seen.update((name, name in sys.modules) for name in {later!r})
            self.exit()

        ReaderApp.run, ReaderApp.first_frame_shown = headless, first_frame_shown
        main(["--data-dir", {str(tmp_path / "marks")!r}])
        assert seen == dict.fromkeys({later!r}, False), {{name for name, loaded in seen.items() if loaded}}
        """
    )
