"""Sample files of the richer sources, as tests write them: Daily Papers listing items and arXiv metadata lines."""

from __future__ import annotations

import json
from pathlib import Path


def daily_item(
    title: str = "Fast Diffusion",
    summary: str = "We make diffusion fast.",
    arxiv: str = "2403.01234",
    authors: tuple[str, ...] = ("Ada Lovelace", "Alan Turing"),
    published: str = "2024-03-08T17:59:00.000Z",
    listed: str = "2024-03-11T09:00:00.000Z",
    upvotes: int = 12,
) -> dict[str, object]:
    """One item of ``/api/daily_papers``, with some of the fields the API sends and the reader ignores."""
    return {
        "paper": {
            "id": arxiv,
            "title": title,
            "summary": summary,
            "authors": [{"_id": "x", "name": name, "hidden": False} for name in authors],
            "publishedAt": published,
            "upvotes": upvotes,
            "discussionId": "65ef",
        },
        "publishedAt": listed,
        "title": title,
        "summary": summary,
        "numComments": 3,
        "thumbnail": "https://cdn/x.png",
    }


def arxiv_line(**fields: object) -> str:
    record: dict[str, object] = {
        "id": "0704.0001",
        "submitter": "Pavel Nadolsky",
        "authors": "C. Bal\\'azs, E. L. Berger, P. M. Nadolsky and C.-P. Yuan",
        "title": "Calculation of prompt diphoton production cross sections at Tevatron and\n  LHC energies",
        "comments": "37 pages",
        "journal-ref": "Phys.Rev.D76:013009,2007",
        "doi": "10.1103/PhysRevD.76.013009",
        "categories": "hep-ph",
        "abstract": "  A fully differential calculation in perturbative quantum chromodynamics is\npresented.",
        "versions": [
            {"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"},
            {"version": "v2", "created": "Tue, 24 Jul 2007 20:10:27 GMT"},
        ],
        "update_date": "2008-11-13",
    }
    record.update(fields)
    return json.dumps({k: v for k, v in record.items() if v is not None})


def seed_paper_met_again(folder: Path, listed: str = "2023-12-01T08:00:00.000Z") -> tuple[Path, Path]:
    """The first seed paper (RLIF) met again, spelled otherwise, in a Daily Papers listing and in arXiv metadata
    (with authors, an arXiv id and a published date): the two files, written in ``folder``."""
    listing = folder / "listing.json"
    item = daily_item(title="RLIF - interactive imitation learning as reinforcement learning", listed=listed)
    listing.write_text(json.dumps([item]))
    lines = folder / "meta.jsonl"
    lines.write_text(arxiv_line(id="2403.01234v3", title="RLIF, a revised title", authors="Ada Lovelace") + "\n")
    return listing, lines
