"""A paper comes back from the parse cache whole: every field, whatever it holds."""

from __future__ import annotations

import dataclasses
import pickle

from hypothesis import given
from hypothesis import strategies as st

from tui_reader.paper import Paper

TEXT = st.text(max_size=30)
TEXTS = st.lists(TEXT, max_size=4).map(tuple)

PAPERS = st.builds(
    Paper,
    id=TEXT,
    title=TEXT,
    abstract=TEXT,
    dates=TEXTS,
    sources=TEXTS,
    links=TEXTS,
    arxiv_id=st.none() | TEXT,
    authors=TEXTS,
    published=st.none() | TEXT,
    upvotes=st.none() | st.integers(),
)


@given(PAPERS)
def test_every_field_of_a_paper_survives_pickling(paper):
    back = pickle.loads(pickle.dumps(paper, protocol=pickle.HIGHEST_PROTOCOL))
    assert type(back) is Paper
    for field in dataclasses.fields(Paper):  # field by field, read back independently of how Paper pickles
        assert getattr(back, field.name) == getattr(paper, field.name), field.name
