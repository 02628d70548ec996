"""arXiv ids as people write them: new-style and old-style, with or without a version, or an abs/pdf URL; a
malformed one is None (the command line refuses it before any request)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_reader.arxiv_ids import ArxivRef, is_category, parse_arxiv_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2401.12345", ArxivRef("2401.12345", None)),
        ("2401.12345v2", ArxivRef("2401.12345", 2)),
        ("0704.0001", ArxivRef("0704.0001", None)),
        ("1201.4869v1", ArxivRef("1201.4869", 1)),
        ("arXiv:2604.22027v1", ArxivRef("2604.22027", 1)),
        ("hep-th/9901001", ArxivRef("hep-th/9901001", None)),
        ("math.GT/0309136", ArxivRef("math.GT/0309136", None)),
        ("cond-mat/0412498v1", ArxivRef("cond-mat/0412498", 1)),
        ("https://arxiv.org/abs/2604.22027", ArxivRef("2604.22027", None)),
        ("http://arxiv.org/abs/cond-mat/0412498v1", ArxivRef("cond-mat/0412498", 1)),
        ("https://arxiv.org/pdf/2202.12139v1", ArxivRef("2202.12139", 1)),
        ("https://arxiv.org/pdf/2202.12139v1.pdf", ArxivRef("2202.12139", 1)),
        ("arxiv.org/abs/hep-th/9901001", ArxivRef("hep-th/9901001", None)),
        ("https://export.arxiv.org/abs/2401.12345?context=cs", ArxivRef("2401.12345", None)),
        ("  2401.12345 ", ArxivRef("2401.12345", None)),
    ],
)
def test_ids_and_urls_people_write(text, expected):
    assert parse_arxiv_id(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "",
        "2413.12345",  # month 13
        "2400.12345",  # month 0
        "2401.123",  # too few digits
        "2401.1234",  # four digits after 2014
        "1401.12345",  # five digits before 2015
        "0703.0001",  # new-style before April 2007
        "2401.12345v0",
        "2401.12345v",
        "hep-th/99010",
        "HEP-TH/9901001",
        "hep-th/0801001",  # old-style after March 2007
        "hep-th/9101001",  # before August 1991
        "https://example.org/abs/2401.12345",
        "2401.12345 2401.12346",
        "２４０１.１２３４５",  # full-width digits
    ],
)
def test_malformed_ids_are_none(text):
    assert parse_arxiv_id(text) is None


_NEW = st.builds(
    lambda year, month, number: (f"{year:02d}{month:02d}", f"{number:05d}" if year >= 15 else f"{number % 10000:04d}"),
    st.integers(8, 99),
    st.integers(1, 12),
    st.integers(0, 99999),
)
_OLD = st.tuples(
    st.sampled_from(["hep-th", "cond-mat", "math.GT", "astro-ph", "q-bio.NC", "cs"]),
    st.sampled_from([92, 95, 99, 0, 3, 6]),
    st.integers(1, 12),
    st.integers(0, 999),
).map(lambda t: f"{t[0]}/{t[1]:02d}{t[2]:02d}{t[3]:03d}")


@given(
    st.one_of(_NEW.map(lambda parts: f"{parts[0]}.{parts[1]}"), _OLD),
    st.one_of(st.none(), st.integers(1, 99)),
    st.sampled_from(["{}", "arXiv:{}", "https://arxiv.org/abs/{}", "http://arxiv.org/pdf/{}", "arxiv.org/pdf/{}.pdf"]),
)
def test_every_well_formed_id_is_read_back_in_every_form(ident, version, form):
    written = ident + (f"v{version}" if version else "")
    assert parse_arxiv_id(form.format(written)) == ArxivRef(ident, version)


@given(st.text(max_size=40))
def test_any_text_is_an_id_found_in_it_or_none(text):
    ref = parse_arxiv_id(text)
    assert ref is None or ref.id in text


CATEGORIES = [("cs.CL", True), ("cs", True), ("hep-th", True), ("math.AG", True), ("cs.CL+cs.LG", False)]
CATEGORIES += [("CS.CL", False), ("cs/CL", False), ("", False)]


@pytest.mark.parametrize(("name", "ok"), CATEGORIES)
def test_categories_are_written_as_arxiv_writes_them(name, ok):
    assert is_category(name) is ok
