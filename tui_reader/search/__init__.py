"""Live search over titles and abstracts, instant at 100,000 papers and usable at a million.

- ``query.py``: the query language (``parse_query``), documented there.
- ``filters.py``: the filters (``is:read``, ``date:2024-03``...), one ``FilterSpec`` each in ``FILTERS``: how its
  value is parsed, which papers it keeps, its help. ``tables.py``: what they look papers up in.
- ``text.py``: what a word is (folding: lower case, no accents).
- ``postings.py``: the vocabulary and which papers contain each word (numpy).
- ``forms.py``: other forms of a word found in the corpus: stems, compounds, acronyms.
- ``index.py``: ``SearchIndex.search`` matches terms against the vocabulary, then ranks papers; ``similar`` lists
  the papers most like one ("more like this", ranked in ``similar.py``; from a quarter of a million papers on,
  ``similar_top.py`` finds the best without scoring every paper exactly, with the same answer).
- ``typos.py``: the words within a few edits of a typed word (letter signatures rule out nearly all of a word
  list with numpy; rapidfuzz checks the rest), for ``index.py``'s typo neighbours; ``prefixes.py``: the words'
  beginnings, for typos in a word still being typed.
- ``results.py``: ``SearchResult``, the papers found (``Positions``) and what matched in each, to highlight.
- ``cache.py``: ``cached_index`` keeps a big corpus' index on disk between launches, as a folder of arrays that
  ``disk.py`` writes and maps back read-only (checked first: a damaged folder is rebuilt); and beside it, for a
  corpus of stored papers, the filters' tables (``table_files.py``, the same checks), so that the first filter
  never walks a million papers.
- ``merge.py``: a big file's index built a part at a time (by the processes importing its parts) and merged into
  the very arrays of the index built whole.
- ``texts.py``: the titles and abstracts of all the papers, from the papers' own texts when they offer them (papers
  kept on disk), so that no ``Paper`` is made of each.

Imports only ``tui_reader.paper``, ``tui_reader.dates`` and ``tui_reader.files`` from the project.
"""

from tui_reader.search.filters import FILTERS, FilterSpec
from tui_reader.search.index import COMPLETION, EXACT, TYPO, SearchIndex
from tui_reader.search.query import Filter, Query, Term, finish_filters, max_typos, parse_query
from tui_reader.search.results import Positions, SearchResult
from tui_reader.search.text import fold, words_of

__all__ = [
    "COMPLETION",
    "EXACT",
    "FILTERS",
    "TYPO",
    "Filter",
    "FilterSpec",
    "Positions",
    "Query",
    "SearchIndex",
    "SearchResult",
    "Term",
    "finish_filters",
    "fold",
    "max_typos",
    "parse_query",
    "words_of",
]
