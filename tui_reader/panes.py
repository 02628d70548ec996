"""How much of the reader the detail pane takes: a share of the panes (its width beside the list, from 100
columns; its height under it, when stacked), changed in steps by the keys and kept in config.toml
(``detail_size``), within limits that leave both panes usable at any size. No Textual here: the widget that
applies it is ``tui_reader.widgets.panes``.
"""

from __future__ import annotations

__all__ = ["DEFAULT_SHARE", "MAX_SHARE", "MIN_SHARE", "STEP", "detail_cells", "next_share"]

MIN_SHARE, MAX_SHARE, STEP = 20, 80, 10  # percent of the panes
DEFAULT_SHARE = {False: 40, True: 50}  # beside, stacked: what app.tcss gives them (2fr of 5, 1fr of 2)
# (detail, list) at the least: columns beside (the detail keeps ~40 columns of abstract, the list its titles), rows
# stacked (the detail its title, marks and first abstract lines; the list three rows under its border)
MIN_CELLS = {False: (40, 30), True: (9, 4)}


def next_share(share: int | None, stacked: bool, step: int) -> int:
    """The share after ``step`` steps (+1: a bigger detail), from ``share`` (None: the layout's own), kept
    within ``MIN_SHARE``..``MAX_SHARE`` and on the steps."""
    current = DEFAULT_SHARE[stacked] if share is None else share
    stepped = round(current / STEP) * STEP + step * STEP
    return max(MIN_SHARE, min(MAX_SHARE, stepped))


def detail_cells(share: int, total: int, stacked: bool) -> int:
    """Columns (beside) or rows (stacked) of ``total`` the detail takes at ``share`` percent, leaving each pane
    its least (``MIN_CELLS``); too small a total for both is shared as the percentage says."""
    cells = round(total * share / 100)
    least_detail, least_list = MIN_CELLS[stacked]
    if total < least_detail + least_list:
        return cells
    return max(least_detail, min(total - least_list, cells))
