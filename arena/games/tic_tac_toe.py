"""Tic-tac-toe: cells a1..c3, column letter then row number, row 1 at the top."""

from __future__ import annotations

import pyspiel

from arena.games.labels import LabelledRenderer, Move, board_observation

SYMBOLS = ("X", "O")
_CELL = {"x": "X", "o": "O", ".": "."}
_SIZE = 3


def cell_name(action: int) -> str:
    row, col = divmod(action, _SIZE)
    return f"{'abc'[col]}{row + 1}"


def draw(state: pyspiel.State) -> str:
    rows = [line.strip() for line in str(state).splitlines() if line.strip()]
    lines = ["    a b c"]
    for r, row in enumerate(rows):
        lines.append(f"  {r + 1} " + " ".join(_CELL[c] for c in row))
    return "\n".join(lines)


class TicTacToeRenderer(LabelledRenderer):
    def rules(self, game: pyspiel.Game) -> str:
        return (
            "Tic-tac-toe on a 3x3 grid. Player 0 plays X and moves first; player 1 plays O. "
            "Players take turns marking one empty cell; three of your marks in a row, column or "
            "diagonal wins, a full board without that is a draw. Empty cells are shown as '.'. "
            "A cell is named by its column letter (a, b, c from left to right) and row number "
            "(1, 2, 3 from top to bottom): a1 is the top-left corner, b2 the centre, c3 the "
            "bottom-right corner. Answer with the name of one empty cell, e.g. b2."
        )

    def observation(self, state: pyspiel.State, player: int) -> str:
        history = [f"{SYMBOLS[i % 2]} {cell_name(a)}" for i, a in enumerate(state.history())]
        return board_observation(state, player, list(SYMBOLS), "Board (columns a-c left to right, rows 1-3 top to bottom):",
                                 draw(state), "Moves so far", history)

    def move(self, state: pyspiel.State, player: int, action: int) -> Move:
        return Move(action, cell_name(action))
