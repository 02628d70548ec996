"""The detail pane's share of the panes: the steps the keys take, their limits, and the cells a share gives
within the least each pane keeps."""

from __future__ import annotations

import pytest

from tui_reader.panes import detail_cells, next_share


@pytest.mark.parametrize(
    ("share", "stacked", "step", "expected"),
    [
        (None, False, 1, 50),  # from the layout's own: 40% beside
        (None, False, -1, 30),
        (None, True, 1, 60),  # 50% stacked
        (70, False, 1, 80),
        (80, False, 1, 80),  # the widest
        (20, True, -1, 20),  # the narrowest
        (45, False, 1, 50),  # a hand-written 45 steps onto the steps (rounded half to even: 40, then +10)
    ],
)
def test_a_step_is_ten_percent_within_20_and_80(share, stacked, step, expected):
    assert next_share(share, stacked, step) == expected


@pytest.mark.parametrize(
    ("share", "total", "stacked", "expected"),
    [
        (50, 120, False, 60),
        (80, 120, False, 90),  # the list keeps 30 columns
        (20, 120, False, 40),  # the detail keeps 40
        (20, 100, False, 40),
        (80, 100, False, 70),
        (60, 17, True, 10),  # 60x20 stacked: 17 rows of panes
        (80, 17, True, 13),  # the list keeps 4 rows (3 under its border)
        (20, 17, True, 9),  # the detail keeps 9: its title, marks and the abstract's first lines
        (50, 10, True, 5),  # too small for both minimums: the share as it is
    ],
)
def test_the_detail_gets_its_share_leaving_each_pane_its_least(share, total, stacked, expected):
    assert detail_cells(share, total, stacked) == expected
