"""Proven lower bounds on the number of positions of games far too large to solve.

They let the solver refuse chess, standard connect four or an 11x11 hex board at once instead of
exploring max_states positions first (tens of seconds at the default limit) to find out.
"""

from __future__ import annotations

from math import comb

import pyspiel

CHESS_AFTER_7_PLIES = 96_400_068
"""Distinct chess positions after exactly 7 plies (OEIS A083276). OpenSpiel's chess text is a FEN with
its move counter, so these are distinct keys too."""

CONNECT_FOUR_6X7 = 4_531_985_219_092
"""Positions of standard connect four, 6 rows by 7 columns, four in a row (John Tromp; OEIS A212693)."""


def size_floor(spiel_game: pyspiel.Game) -> int:
    """At least this many distinct positions are reachable from the start; 0 where no bound is known."""
    name = spiel_game.get_type().short_name
    params = spiel_game.get_parameters()
    if name == "chess":
        return CHESS_AFTER_7_PLIES
    if name == "connect_four" and (params.get("rows"), params.get("columns"), params.get("x_in_row")) == (6, 7, 4):
        return CONNECT_FOUR_6X7
    if name == "hex" and not params.get("swap", False):
        return _hex_floor(int(params["num_rows"]), int(params["num_cols"]))
    return 0


def _hex_floor(rows: int, cols: int) -> int:
    """Boards where each side has fewer stones than a winning chain needs (one per row or per column).

    None of them is over, and stones go anywhere in any order, so every one is reached; x moves
    first, so x has as many stones as o or one more.
    """
    cells, short = rows * cols, min(rows, cols) - 1
    return sum(comb(cells, o) * comb(cells - o, x) for o in range(short + 1) for x in (o, o + 1) if x <= short)
