"""Sources: each turns the bytes of one kind of file into ``Paper``s (``tui_reader.paper``).

- ``dumps.py``: Daily Papers pages copied as text.
- ``hf_daily.py``: Daily Papers JSON listings (``/api/daily_papers``), single days or saved collections.
- ``arxiv.py``: arXiv metadata JSON Lines, parsed line by line (files are streamed by ``tui_reader.corpus``).
- ``cleaning.py``: LaTeX debris and URLs, shared by every source (``clean_title``, ``clean_abstract``).

A new source is a module here with a ``parse_*`` function returning papers (and problems as one-line strings);
``tui_reader.corpus`` decides which parser reads a file and caches the result.
"""
