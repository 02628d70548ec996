"""The values the library hands out: ``MarkFlags`` feed the search's note: and tag: filters."""

from __future__ import annotations


def test_note_and_tag_filters(seeds_corpus):
    from tui_reader.library import MarkFlags
    from tui_reader.search import SearchIndex

    papers = seeds_corpus.papers[:5]
    ids = [p.id for p in papers]
    notes = {ids[0]: "Strong baseline; read the appendix", ids[1]: "weak baseline"}
    tags = {ids[2]: ("RL-theory",), ids[3]: ("rl-theory-2",), ids[4]: ("vision",)}
    index = SearchIndex(papers)

    def found(query: str) -> list[str]:
        result = index.search(query, MarkFlags(set(), set(), notes, tags))
        assert result.error is None
        return sorted(ids[i] for i in result.indices)

    assert found("note:baseline ") == sorted(ids[:2])
    assert found('note:"appendix baseline" ') == [ids[0]]  # every word, in any order
    assert found("note:append") == [ids[0]]  # the word being typed
    assert found("-note:weak ") == sorted(ids[:1] + ids[2:])
    assert found("tag:rl-theory ") == [ids[2]]  # the whole tag, any case
    assert found("tag:RL-THEORY") == sorted(ids[2:4])  # being typed: tags starting with it
    assert found("tag:vision -tag:rl ") == [ids[4]]
    assert index.search("tag: x", MarkFlags(set(), set())).error == "tag: needs a tag, e.g. tag:rl-theory"
