"""Sources: each turns the bytes of one kind of file into ``Paper``s (``tui_reader.paper``).

- ``dumps.py``: Daily Papers pages copied as text (anything no other source recognises).
- ``json_lines.py``: JSON Lines (the arXiv metadata snapshot), parsed line by line (files are streamed by
  ``tui_reader.corpus``).
- ``json_document.py``: one JSON document: an array of records (a Daily Papers listing, arXiv records) or one.
- ``records.py``: which parser reads a JSON record, by its keys: ``hf_daily.py`` (Daily Papers items and paper
  objects) or ``arxiv.py`` (arXiv metadata records).
- ``cleaning.py``: LaTeX debris and URLs, shared by every source (``clean_title``, ``clean_abstract``).
- ``registry.py``: ``Source``, the sources found by content, and the fingerprint of the parsing code.

A new kind of file is one module here defining ``SOURCE = Source(name, sniff, parse)`` (and ``parse_lines`` when its
files can be streamed): the registry finds it, ``tui_reader.corpus`` hands it the files it recognises, and the
parse cache's fingerprint covers its code, so nothing else is edited.
"""
