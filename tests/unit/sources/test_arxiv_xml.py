"""arXiv's feeds and API answers read as papers: the real files of tests/fixtures/real/arxiv/, byte for byte;
every expected value below was read in the XML by hand."""

from __future__ import annotations

import pytest
from support.arxiv_server import API_EMPTY, API_ERROR, API_NEW, API_OLD, RSS_NEW, RSS_OLD

from tui_reader.corpus import load_corpus, read_file
from tui_reader.sources.arxiv_xml import FeedProblem, read_feed


def test_the_2024_feed_gives_ids_without_versions_categories_authors_and_the_announcement():
    papers, warnings = read_file(RSS_NEW, use_cache=False)
    assert warnings == []
    assert [p.arxiv_id for p in papers] == ["2604.22002", "2604.22027", "2604.22038"]
    assert [p.arxiv_version for p in papers] == [1, 1, 1]
    assert [p.announce_type for p in papers] == ["new", "new", "new"]
    assert [p.title for p in papers] == [
        "When Cow Urine Cures Constipation on YouTube: Limits of LLMs in Detecting Culture-specific Health "
        "Misinformation",
        "Shared Lexical Task Representations Explain Behavioral Variability In LLMs",
        "Source-Modality Monitoring in Vision-Language Models",
    ]
    assert papers[1].categories == ("cs.CL", "cs.AI", "cs.LG")
    assert papers[0].categories == ("cs.CL",)
    assert papers[0].authors == ("Anamta Khan", "Ratna Kandala", "Deepti", "Sheza Munir", "Joyojeet Pal")
    assert papers[2].authors == ("Etha Tianze Hua", "Tian Yun", "Ellie Pavlick")
    assert papers[0].dates == ("Apr 27, 2026",)
    assert papers[0].abstract.startswith("Social media platforms have become primary channels for health")
    assert papers[2].abstract.endswith("in the context of increasingly multimodal agentic systems.")


def test_the_old_rdf_feed_tells_new_cross_listed_and_updated_papers():
    papers, warnings = read_file(RSS_OLD, use_cache=False)
    assert warnings == []
    assert [p.arxiv_id for p in papers] == ["1805.08875", "1805.09166", "1805.06430"]
    assert [p.arxiv_version for p in papers] == [1, 1, 2]
    # the third is [nucl-th] UPDATED in the hep-ex feed: a replaced paper cross-listed here
    assert [p.announce_type for p in papers] == ["new", "cross", "replace-cross"]
    assert [p.categories for p in papers] == [("hep-ex",), ("hep-ex",), ("nucl-th",)]
    assert papers[1].title == "Recent Top quark results from the Tevatron"
    assert papers[2].title == "New Perspective on Hybrid Mesons"
    assert papers[1].abstract == "We present recent measurements"
    assert papers[0].authors == ("Christopher Dilks",)  # "(STAR Collaboration)" is no author
    assert papers[2].authors == (
        "Shu-Sheng Xu", "Zhu-Fang Cui", "Lei Chang", "Joannis Papavassiliou", "Craig D. Roberts", "Hong-Shi Zong",
    )  # fmt: skip
    assert papers[0].dates == ("May 23, 2018",)


def test_the_2026_api_answer():
    papers, warnings = read_file(API_NEW, use_cache=False)
    assert warnings == []
    assert len(papers) == 10
    first, _, third = papers[:3]
    assert first.arxiv_id == "2202.12139" and first.arxiv_version == 1
    assert first.title == "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques"
    assert first.authors == ("Mohit Kumar Ahuja", "Arnaud Gotlieb", "Helge Spieker")
    assert first.categories == ("cs.SE", "cs.LG")
    assert first.published == "2022-02-24"
    assert first.doi == "10.1109/ICSTW55395.2022.00035"
    assert first.comments == "Artificial Intelligence in Software Testing 2022 workshop @ ICST 2022"
    assert first.announce_type is None  # the API announces nothing
    assert (third.arxiv_id, third.arxiv_version) == ("2005.14124", 2)
    assert third.title == "Active Fuzzing for Testing and Securing Cyber-Physical Systems"


def test_the_2016_api_answer_old_style_ids_and_the_primary_category_first():
    papers, warnings = read_file(API_OLD, use_cache=False)
    assert warnings == []
    assert len(papers) == 10
    second = papers[1]
    assert (second.arxiv_id, second.arxiv_version) == ("cond-mat/0412498", 1)
    assert second.title == "Thermal melting of density waves on the square lattice"
    assert second.categories == ("cond-mat.str-el", "cond-mat.stat-mech")
    assert second.authors == ("Adrian Del Maestro", "Subir Sachdev")
    assert second.published == "2004-12-19"
    assert second.abstract.startswith("We present the theory of the effect of thermal fluctuations on commensurate")
    assert papers[0].journal_ref == "Int. J. Mod. Phys. B, 26, 1244002 (2012)"


def test_an_answer_without_entries_is_no_papers_and_no_warning():
    corpus = load_corpus([API_EMPTY], use_cache=False)
    assert list(corpus.papers) == [] and corpus.warnings == []


def test_the_apis_error_entry_is_one_warning_with_its_words():
    papers, warnings = read_file(API_ERROR, use_cache=False)
    assert papers == []
    assert warnings == [f"{API_ERROR}: arXiv's answer is an error: incorrect id format for abc"]


def test_a_folder_of_feeds_is_read_with_the_rest(tmp_path):
    for path in (RSS_NEW, API_OLD):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    corpus = load_corpus([tmp_path], use_cache=False)
    assert len(corpus.papers) == 13 and corpus.warnings == []


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<rss version="2.0"><channel><title>&lol2;</title></channel></rss>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&secret;</title></channel></rss>
"""


@pytest.mark.parametrize("text", [BOMB, EXTERNAL])
def test_entities_are_refused_in_one_line(text, tmp_path):
    with pytest.raises(FeedProblem, match=r"^refused: the XML declares entities"):
        read_feed(text, "x.xml")
    path = tmp_path / "feed.xml"
    path.write_text(text)
    papers, warnings = read_file(path, use_cache=False)
    assert papers == []
    assert len(warnings) == 1 and "refused: the XML declares entities" in warnings[0] and "\n" not in warnings[0]


def test_xml_that_is_no_feed_is_one_warning(tmp_path):
    path = tmp_path / "other.xml"
    path.write_text("<?xml version='1.0'?><svg><title>A drawing</title></svg>")
    papers, warnings = read_file(path, use_cache=False)
    assert papers == [] and warnings == [f"{path}: not an arXiv feed (the root element is <svg>); skipped"]


def test_the_primary_category_comes_first_wherever_the_answer_lists_it():
    # the real entry with its two categories swapped: arXiv's own order is not promised, its primary_category is
    text = API_OLD.read_text(encoding="utf-8")
    swapped = text.replace(
        '<category term="cond-mat.str-el" scheme="http://arxiv.org/schemas/atom"/>\n'
        '    <category term="cond-mat.stat-mech" scheme="http://arxiv.org/schemas/atom"/>',
        '<category term="cond-mat.stat-mech" scheme="http://arxiv.org/schemas/atom"/>\n'
        '    <category term="cond-mat.str-el" scheme="http://arxiv.org/schemas/atom"/>',
        1,
    )
    assert swapped != text
    second = read_feed(swapped, "x.xml").papers[1]
    assert second.categories == ("cond-mat.str-el", "cond-mat.stat-mech")


def test_et_al_in_a_feed_or_an_answer_is_no_author_and_cuts_the_list_short():
    # the real feed and answer with their author lists cut short as arXiv's own lines sometimes are
    text = RSS_NEW.read_text(encoding="utf-8")
    cut = text.replace("Sheza Munir, Joyojeet Pal</dc:creator>", "Sheza Munir et al.</dc:creator>", 1)
    cut = cut.replace("Tian Yun, Ellie Pavlick</dc:creator>", "Tian Yun, Ellie Pavlick, et al</dc:creator>", 1)
    assert cut.count("et al") == 2
    first, second, third = read_feed(cut, "x.xml").papers
    assert (first.authors, first.et_al) == (("Anamta Khan", "Ratna Kandala", "Deepti", "Sheza Munir"), True)
    assert (second.et_al, third.authors, third.et_al) == (False, ("Etha Tianze Hua", "Tian Yun", "Ellie Pavlick"), True)
    text = API_NEW.read_text(encoding="utf-8")
    cut = text.replace("<name>Helge Spieker</name>", "<name>Helge Spieker et al</name>", 1)
    assert cut != text
    entry = read_feed(cut, "x.xml").papers[0]
    assert (entry.authors, entry.et_al) == (("Mohit Kumar Ahuja", "Arnaud Gotlieb", "Helge Spieker"), True)
    text = RSS_OLD.read_text(encoding="utf-8")
    cut = text.replace("Hong-Shi Zong&lt;/a&gt;</dc:creator>", "Hong-Shi Zong&lt;/a&gt;, et al.</dc:creator>", 1)
    assert cut != text
    _, _, updated = read_feed(cut, "x.xml").papers
    assert (updated.authors[-1], updated.et_al) == ("Hong-Shi Zong", True)
