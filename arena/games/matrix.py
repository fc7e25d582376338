"""One-shot matrix games (prisoner's dilemma, matching pennies, rock-paper-scissors).

The three share one module because they differ only in their opening sentence: the
payoff table, labels and observation all come from OpenSpiel's MatrixGame.
"""

from __future__ import annotations

import pyspiel

from arena.games.labels import LabelledRenderer, Move

_ROLES = ("row player", "column player")
_RULES_CORNER = "player 0 \\ player 1"


def _names(game: pyspiel.Game, player: int) -> list[str]:
    count = game.num_rows() if player == 0 else game.num_cols()
    name = game.row_action_name if player == 0 else game.col_action_name
    return [name(a).lower() for a in range(count)]


def _payoffs(game: pyspiel.Game, player: int, mine: int, theirs: int) -> tuple[float, float]:
    row, col = (mine, theirs) if player == 0 else (theirs, mine)
    you, them = game.row_utility(row, col), game.col_utility(row, col)
    return (you, them) if player == 0 else (them, you)


def payoff_table(game: pyspiel.Game, player: int, corner: str = "you \\ opponent") -> str:
    """Rows: `player`'s choice; columns: the other's; cells '`player`'s payoff / the other's'."""
    mine, theirs = _names(game, player), _names(game, 1 - player)
    cells = [
        [f"{you:g} / {them:g}" for you, them in (_payoffs(game, player, m, t) for t in range(len(theirs)))]
        for m in range(len(mine))
    ]
    rows = [[corner, *theirs], *([mine[m], *cells[m]] for m in range(len(mine)))]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(s.ljust(w) for s, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


class MatrixRenderer(LabelledRenderer):
    intro = "A one-shot two-player game."

    def rules(self, game: pyspiel.Game) -> str:
        rows, cols = _names(game, 0), _names(game, 1)
        return (
            f"{self.intro} Both players choose at the same time, without seeing the other's "
            f"choice, and the game ends after this single round. Player 0 (the row player) picks "
            f"one of: {', '.join(rows)}; player 1 (the column player) picks one of: {', '.join(cols)}. "
            "Each player wants the highest payoff for themselves. Payoffs "
            f"(rows: player 0's choice, columns: player 1's; 'player 0's payoff / player 1's'):\n"
            f"{payoff_table(game, 0, _RULES_CORNER)}\nAnswer with the name of one choice."
        )

    def observation(self, state: pyspiel.State, player: int) -> str:
        game = state.get_game()
        lines = [
            f"You are player {player}, the {_ROLES[player]}.",
            "Payoffs (rows: your choice, columns: your opponent's choice; 'your payoff / theirs'):",
            payoff_table(game, player),
        ]
        if state.is_terminal():
            history = state.history()
            you, them = history[player], history[1 - player]
            lines.append(
                f"Result: you chose {_names(game, player)[you]}, your opponent chose "
                f"{_names(game, 1 - player)[them]}. Your payoff: {state.returns()[player]:g}, "
                f"theirs: {state.returns()[1 - player]:g}."
            )
        else:
            lines.append(f"Choose now, one of: {', '.join(_names(game, player))}.")
        return "\n".join(lines)

    def move(self, state: pyspiel.State, player: int, action: int) -> Move:
        names = _names(state.get_game(), player)
        initials = [n[0] for n in names]
        name = names[action]
        return Move(action, name, (name[0],) if initials.count(name[0]) == 1 else ())

    def all_actions(self, state: pyspiel.State, player: int) -> range:
        # The row and column players may have different numbers of actions.
        return range(len(_names(state.get_game(), player)))


class MatrixPDRenderer(MatrixRenderer):
    intro = "The prisoner's dilemma, played once: each player either cooperates or defects."


class MatchingPenniesRenderer(MatrixRenderer):
    intro = (
        "Matching pennies: each player shows heads or tails. The row player wins if the two "
        "coins match; the column player wins if they differ."
    )


class RockPaperScissorsRenderer(MatrixRenderer):
    intro = "Rock-paper-scissors: rock beats scissors, scissors beats paper, paper beats rock."
