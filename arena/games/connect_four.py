"""Connect Four: the move is a column number, 1 at the left."""

from __future__ import annotations

import pyspiel

from arena.games.labels import LabelledRenderer, Move, board_observation

SYMBOLS = ("X", "O")
_CELL = {"x": "X", "o": "O", ".": "."}


def _params(game: pyspiel.Game) -> tuple[int, int, int]:
    p = game.get_parameters()
    return p["rows"], p["columns"], p["x_in_row"]


def draw(state: pyspiel.State) -> str:
    _, cols, _ = _params(state.get_game())
    width = len(str(cols))
    numbers = " ".join(f"{c + 1:>{width}}" for c in range(cols))
    # OpenSpiel prints the top row first, which is how the board stands.
    rows = [line for line in str(state).splitlines() if line.strip()]
    body = [" ".join(f"{_CELL[ch]:>{width}}" for ch in row) for row in rows]
    return "\n".join([numbers, *body, "-" * len(numbers)])


class ConnectFourRenderer(LabelledRenderer):
    def rules(self, game: pyspiel.Game) -> str:
        rows, cols, n = _params(game)
        return (
            f"Connect Four on a board of {rows} rows and {cols} columns standing upright. "
            "Player 0 plays X and moves first; player 1 plays O. On your turn you drop one disc "
            "into a column that is not full; it falls to the lowest empty cell of that column. "
            f"{n} of your discs in a line (horizontal, vertical or diagonal) wins; a full board "
            f"without that is a draw. Columns are numbered 1 to {cols} from left to right. "
            "Answer with a column number, e.g. 4."
        )

    def observation(self, state: pyspiel.State, player: int) -> str:
        history = [f"{SYMBOLS[i % 2]} {a + 1}" for i, a in enumerate(state.history())]
        return board_observation(state, player, list(SYMBOLS), "Board (top row first; '.' is empty; numbers are the columns):",
                                 draw(state), "Columns played so far", history)

    def move(self, state: pyspiel.State, player: int, action: int) -> Move:
        return Move(action, str(action + 1))
