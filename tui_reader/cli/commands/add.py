"""``tui-reader add``: papers by arXiv id (or abs/pdf URL), asked of the arXiv API and kept in the data directory
(``DATA_DIR/listings/arxiv``), where the reader, ``list`` and ``mark`` find them with the rest of the corpus."""

from __future__ import annotations

import argparse

from tui_reader.cli.commands import Command
from tui_reader.cli.common import UsageError, fail, one_line, path_arg
from tui_reader.library import default_data_dir


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "ids", nargs="+", metavar="ID", help="arXiv ids (2401.12345, 2401.12345v2, hep-th/9901001) or their URLs"
    )
    parser.add_argument(
        "--arxiv-api-url", default=None, metavar="URL", help="the API (default: https://export.arxiv.org/api/query)"
    )
    parser.add_argument(
        "--data-dir", type=path_arg, help="where the answers are kept (default: the user data directory)"
    )


def run(args: argparse.Namespace) -> int:
    """Every id checked before any request (a malformed one: exit 2); then one request for them all. The papers
    found are named, one line each; an id arXiv does not know is one line and exit 1, the others still kept."""
    from tui_reader import fetch_arxiv
    from tui_reader.arxiv_ids import parse_arxiv_id
    from tui_reader.cli.commands.fetch import _checked_api_url

    refs = []
    for text in args.ids:
        ref = parse_arxiv_id(text)
        if ref is None:
            raise UsageError(f"{one_line(text)!r} is not an arXiv id (like 2401.12345, hep-th/9901001, or its URL)")
        refs.append(ref)
    if len(refs) > fetch_arxiv.MAX_IDS:
        raise UsageError(f"at most {fetch_arxiv.MAX_IDS:,} ids at a time")
    api_url = _checked_api_url(args.arxiv_api_url or fetch_arxiv.DEFAULT_API_URL, "--arxiv-api-url")
    data_dir = args.data_dir or default_data_dir()
    result = fetch_arxiv.add_ids(refs, data_dir, fetch_arxiv.ArxivClient(), api_url=api_url)
    for found, title in zip(result.found, result.titles, strict=True):
        print(one_line(f"added {found}: {title}"))
    status = 0
    if result.unknown:
        status = fail(f"arXiv does not know {', '.join(result.unknown)}", 1)
    if result.error is not None:
        status = fail(result.error, 1)
    return status


COMMAND = Command(
    "add",
    "add papers by arXiv id, asked of the arXiv API",
    add_arguments,
    run,
    description="Ask the arXiv API for papers by id (2401.12345, 2401.12345v2, hep-th/9901001, math.GT/0309136, "
    "or an arxiv.org abs or pdf URL), all in one request, and keep its answer in DATA_DIR/listings/arxiv, read "
    "with the rest of the corpus. An id arXiv does not know is named, and the exit status is 1.",
)
