"""Hex: cells are a column letter plus a row number (a1 top-left), as OpenSpiel names them."""

from __future__ import annotations

import string

import pyspiel

from arena.games.labels import LabelledRenderer, Move, turn_line

STONES = ("x", "o")
EMPTY = "."
COLOURS = ("Black", "White")
GOALS = ("the top and bottom edges", "the left and right edges")
# OpenSpiel's hex marks a stone by colour *and* edge connection: with string_rep=explicit,
# black is x (free), y (touches north), z (touches south), X (winning chain); white is
# o, p (west), q (east), O (winning chain). The standard rep prints only x and o. To a
# player every one of them is just a stone of that colour.
_CELL = {".": EMPTY, **dict.fromkeys("xyzX", "x"), **dict.fromkeys("opqO", "o")}


def _size(game: pyspiel.Game) -> tuple[int, int]:
    p = game.get_parameters()
    return p["num_rows"], p["num_cols"]


def cell_name(action: int, cols: int) -> str:
    row, col = divmod(action, cols)
    return f"{string.ascii_lowercase[col]}{row + 1}"


def cells(state: pyspiel.State) -> list[list[str]]:
    """The board as rows of plain symbols (x, o, '.'), top row first."""
    return [[_CELL[c] for c in line.split()] for line in str(state).splitlines() if line.strip()]


def draw(state: pyspiel.State) -> str:
    rows = cells(state)
    _, cols = _size(state.get_game())
    pad = len(str(len(rows)))
    letters = " ".join(string.ascii_lowercase[:cols])
    # Each row starts half a cell further right, so a cell's six neighbours are the ones
    # that touch it on screen: left, right, two above and two below.
    lines = [" " * (pad + 1) + letters]
    lines += [" " * r + f"{r + 1:>{pad}} " + " ".join(row) for r, row in enumerate(rows)]
    lines.append(" " * (len(rows) + pad) + letters)  # letters again under the shifted last row
    return "\n".join(lines)


class HexRenderer(LabelledRenderer):
    def rules(self, game: pyspiel.Game) -> str:
        rows, cols = _size(game)
        last = f"{string.ascii_lowercase[cols - 1]}{rows}"
        swap = game.get_parameters().get("swap", False)
        return (
            f"Hex on a rhombus of {rows}x{cols} hexagonal cells. Player 0 plays Black (x) and moves "
            "first, trying to connect the top and bottom edges with an unbroken chain of x stones; "
            "player 1 plays White (o), trying to connect the left and right edges with o stones. "
            "Players take turns placing one stone on an empty cell ('.'); stones never move. "
            "Exactly one player can complete a chain, so there are no draws. A cell is named by its "
            f"column letter and row number: a1 is the top-left corner, {last} the bottom-right. "
            "The board is drawn with each row shifted half a cell to the right of the row above, so "
            "cell c3 touches b3 and d3 in its row, c2 and d2 above, b4 and c4 below. "
            + ("White's first move may be 'swap', taking over Black's first stone (mirrored). " if swap else "")
            + "Answer with one empty cell, e.g. c3."
        )

    def observation(self, state: pyspiel.State, player: int) -> str:
        _, cols = _size(state.get_game())
        history = state.history()
        names = [f"{COLOURS[p]} ({STONES[p]})" for p in (0, 1)]
        lines = [
            f"You play {COLOURS[player]} ({STONES[player]}), connecting {GOALS[player]}. "
            + turn_line(state, player, names),
            draw(state),
        ]
        if history:
            last = history[-1]
            what = "swap" if last >= cols * _size(state.get_game())[0] else cell_name(last, cols)
            mover = (len(history) - 1) % 2
            lines.append(f"Last move: {COLOURS[mover]} {what}. Moves played so far: {len(history)}.")
        return "\n".join(lines)

    def move(self, state: pyspiel.State, player: int, action: int) -> Move:
        rows, cols = _size(state.get_game())
        return Move(action, "swap" if action >= rows * cols else cell_name(action, cols))
