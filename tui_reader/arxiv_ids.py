"""arXiv identifiers as people write them: ``2401.12345``, ``2401.12345v2``, ``arXiv:2401.12345``, old-style
``hep-th/9901001`` and ``math.GT/0309136``, or an abstract or PDF URL (``https://arxiv.org/abs/2401.12345v2``,
``arxiv.org/pdf/hep-th/9901001v1.pdf``). ``parse_arxiv_id`` gives the id without its version and the version;
None for anything else, so the command line can refuse a malformed id before any request.

What counts as well formed is arXiv's own scheme (arxiv.org/help/arxiv_identifier): new-style ids are
``YYMM.NNNN`` from April 2007 to December 2014 and ``YYMM.NNNNN`` from January 2015, the month 01 to 12;
old-style ids are an archive (``hep-th``, ``cond-mat``), an optional subject class (``math.GT``) and
``YYMMNNN``, from August 1991 to March 2007. A version is ``v`` and a number from 1.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["ArxivRef", "is_category", "parse_arxiv_id"]


class ArxivRef(NamedTuple):
    id: str  # without the version: 2401.12345, hep-th/9901001
    version: int | None  # 2 for 2401.12345v2; None when none was given

    def __str__(self) -> str:
        return self.id + (f"v{self.version}" if self.version else "")


_NEW = r"(?P<ym>\d{4})\.(?P<num>\d{4,5})"
_OLD = r"(?P<archive>[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?)/(?P<oym>\d{4})\d{3}"
_ID = rf"(?P<id>{_NEW}|{_OLD})(?:v(?P<version>[1-9]\d{{0,3}}))?"
_URL = r"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/"
_WHOLE = re.compile(rf"(?:{_URL}|arxiv:)?{_ID}(?:\.pdf)?/?(?:[?#].*)?", re.IGNORECASE)


def parse_arxiv_id(text: str) -> ArxivRef | None:
    """The id and version ``text`` names (an id, ``arXiv:<id>``, or an abs/pdf URL), or None when it names none."""
    match = _WHOLE.fullmatch(text.strip())
    if match is None or not match["id"].isascii():
        return None
    if match["ym"] is not None:
        year, month, digits = int(match["ym"][:2]), int(match["ym"][2:]), len(match["num"])
        if not 1 <= month <= 12 or (year, month) < (7, 4) or (digits == 5) != (year >= 15):
            return None
    else:
        year, month = int(match["oym"][:2]), int(match["oym"][2:])
        if not 1 <= month <= 12 or (91 > year > 7) or (year == 91 and month < 8) or (year == 7 and month > 3):
            return None
        archive = match["id"].partition("/")[0].split(".")[0]
        if archive != archive.lower():
            return None
    version = match["version"]
    return ArxivRef(match["id"], int(version) if version else None)


_CATEGORY = re.compile(r"[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?")


def is_category(name: str) -> bool:
    """Whether ``name`` is written as an arXiv archive or category is (``cs``, ``cs.CL``, ``hep-th``,
    ``math.AG``, ``cond-mat.str-el``); whether arXiv has it is arXiv's to say."""
    return _CATEGORY.fullmatch(name) is not None
