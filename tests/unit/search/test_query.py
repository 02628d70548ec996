"""The query language: terms, phrases, exclusions and filters parsed from what is typed, and the problems reported
(an unclosed quote, an unknown filter, a bad date) while the rest of the query still counts."""

from __future__ import annotations

from tui_reader.search import parse_query

from .helpers import titles, top


def test_unbalanced_quote_is_reported_and_still_searches(index):
    result = index.search('"neural tan')
    assert result.error and "quote" in result.error
    assert titles(index, '"neural tan')[0] == "Neural Tangent Kernel: Convergence and Generalization in Neural Networks"


def test_unknown_filter_is_reported_and_ignored(index):
    result = index.search("is:bogus rlif")
    assert result.error and "is:bogus" in result.error
    assert titles(index, "is:bogus rlif") == ["RLIF: Interactive Imitation Learning as Reinforcement Learning"]


def test_parse_query_parts():
    q = parse_query('Difusion "Neural Tangent" -flow is:Starred -is:read date:"Mar 11" mod')
    assert [t.words for t in q.terms] == [("difusion",), ("neural", "tangent"), ("mod",)]
    assert [t.prefix for t in q.terms] == [False, False, True]
    assert [t.words for t in q.phrases] == [("neural", "tangent")]
    assert [(t.words, t.exclude) for t in q.excluded] == [(("flow",), True)]
    assert [(f.value, f.exclude) for f in q.filters if f.field == "is"] == [("starred", False), ("read", True)]
    assert [f.value for f in q.filters if f.field == "date"] == ["mar 11"]
    assert q.error is None and not q.empty


def test_parse_query_typing_states():
    assert parse_query("diff").terms[0].prefix
    assert not parse_query("diff ").terms[0].prefix
    assert parse_query('"neural tan').terms[0].prefix and parse_query('"neural tan').error
    assert not parse_query('"neural tan"').terms[0].prefix
    assert parse_query("-").empty and parse_query('"').empty and parse_query("is:st").error is None
    assert parse_query("is:stared x").error and parse_query("date: x").error
    assert parse_query("ell_infty").terms[0].words == ("ell", "infty")


def test_a_bad_date_is_one_line_and_the_rest_of_the_query_counts(authored):
    result = authored.search("date:2024-13 kernel")
    assert result.error == "date:2024-13 is not a date (use 2024-03-11, 2024-03, A..B, >=A, 7d, today)"
    assert [authored.papers[i].id for i in result.indices] == ["m"]
    assert parse_query("date:2024-0").error is None  # still being typed: no error yet
    assert parse_query("date:2024-0 ").error  # the cursor left it: it is not a date
    assert parse_query("date:to").error is None and parse_query("date:tox").error
    assert parse_query("date:2024-03-01..2024-0").error is None
    assert parse_query("author: x").error and parse_query("author:").error is None


def test_a_word_that_only_starts_like_a_month_is_a_bad_date_not_that_month(authored):
    assert authored.search("date:junk").error == (
        "date:junk is not a date (use 2024-03-11, 2024-03, A..B, >=A, 7d, today)"
    )
    assert parse_query("date:marathon").error == (
        "date:marathon is not a date (use 2024-03-11, 2024-03, A..B, >=A, 7d, today)"
    )
    assert parse_query("date:june").error is None and parse_query("date:Jun.").error is None
    assert parse_query("date:jun").error is None  # still typed: may become "june"


def test_unknown_filters_are_reported_and_dropped(index):
    result = index.search("foo:bar rlif")
    assert result.error == "unknown filter foo: (known: is:, date:, author:, cat:, note:, tag:, has:)"
    assert top(index, "foo:bar rlif") == ["RLIF: Interactive Imitation Learning as Reinforcement Learning"]
    assert index.search("RLIF: interactive").error is None  # a colon before a space is punctuation
