"""Shared fixtures. Every test runs with its own XDG data dir, so no test ever touches a user's marks."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_reader.corpus import Corpus, bundled_seeds, load_corpus

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))


@pytest.fixture(scope="session")
def seeds_corpus() -> Corpus:
    """The five bundled Daily Papers dumps, parsed once per test session."""
    assert bundled_seeds().resolve() == SEEDS.resolve()
    return load_corpus([SEEDS])


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh marks directory for one test."""
    path = tmp_path / "marks"
    path.mkdir()
    return path
