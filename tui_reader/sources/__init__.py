"""Sources: each turns the bytes of one kind of file into ``Paper``s (``tui_reader.paper``).

- ``dumps.py``: Daily Papers pages copied as text.
- ``cleaning.py``: LaTeX debris and URLs, shared by every source.

A new source is a module here with a ``parse_*`` function returning papers (and problems as one-line strings);
``tui_reader.corpus`` decides which parser reads a file and caches the result.
"""
