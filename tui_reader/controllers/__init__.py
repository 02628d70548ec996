"""The reader's controllers: plain classes that do what the screen's keys ask, working on ``ReaderState``
through a small ``Host`` (the screen: threads, notifications, repaints). ``loading`` (files after the first
paint, watched folders), ``fetching`` (F), ``search`` (the index, queries, sort, "more like this"), ``library``
(marks, notes, tags, undo), ``saved_views`` (V, u, the palette's views), ``reach`` (open, copy, export).

They never import the screens, nor Textual (but for the widgets' ``cut``, which the reach controller borrows
when it says what it copied), so they are tested with a plain host (tests/unit/controllers/).
"""
