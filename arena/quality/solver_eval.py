"""Move quality against an exact solution: was each move optimal, and what did a bad one give away?

A move's value is the game value after it for the mover, under perfect play from then on, in the
game's utility units (tic-tac-toe: 1 won, 0 drawn, -1 lost). A move is a blunder when it drops the
outcome class the position had (win to draw, draw to loss, win to loss), an inaccuracy when it gives
value away within the class (possible with chance nodes, where values are expectations, or with graded
results such as a score margin).

Positions repeat across episodes (tic-tac-toe has 4,520 decision positions), so everything about a
position is worked out once and each decision costs a few dict lookups.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from arena.games.base import Game
from arena.quality.base import Episode, decisions, row
from arena.quality.per_decision import summarise_decisions
from arena.solvers import Solution, solve
from arena.solvers.perfect_play import Key

TOLERANCE = 1e-9
"""Values this close are equal: a move within it of the best is optimal."""


@dataclass(frozen=True, slots=True)
class _Judgement:
    value: float
    loss: float
    optimal: bool
    category: str


@dataclass(frozen=True, slots=True)
class _Position:
    best: float
    moves: dict[int, _Judgement]
    move_values: str  # JSON {spiel action string: value}


class SolverEvaluator:
    """The solver's verdict on every decision of a solvable game."""

    name = "solver"

    def __init__(self, max_states: int = 1_000_000) -> None:
        self.max_states = max_states
        self._settings = json.dumps(self.settings(), sort_keys=True)
        self._positions: dict[str, dict[Key, _Position]] = {}  # by the game's text

    def settings(self) -> dict[str, Any]:
        return {"max_states": self.max_states}

    def evaluate(self, game: Game, episode: Episode) -> list[dict[str, Any]]:
        solution = solve(game.spiel, self.max_states)
        positions = self._positions.setdefault(str(game.spiel), {})
        out = []
        for d in decisions(game, episode):
            key = (str(d.state), d.seat)
            position = positions.get(key)
            if position is None:
                position = positions[key] = _judge(solution, key, d.state)
            j = position.moves[d.action]
            out.append(row(episode, d, self.name, self._settings, value=j.value, best_value=position.best, loss=j.loss,
                           optimal=j.optimal, category=j.category, move_values=position.move_values))
        return out

    def summarise(self, rows: pd.DataFrame, *, rounds: int, seed: int, level: float) -> list[dict[str, Any]]:
        return summarise_decisions(rows, self.name, {
            "optimal_pct": lambda r: 100 * r["optimal"].astype(float),
            "blunders_per_100": lambda r: 100 * (r["category"] == "blunder"),
            "mean_value_lost": lambda r: r["loss"],
        }, rounds=rounds, seed=seed, level=level)


def _judge(solution: Solution, key: Key, state: Any) -> _Position:
    """Every legal move of one position, judged once."""
    values = solution.move_values_at(key, state)
    best = max(values.values())
    best_class = _outcome(best, solution.draw_value)
    moves = {}
    for action, value in values.items():
        loss = max(best - value, 0.0)
        optimal = loss <= TOLERANCE
        category = "best" if optimal else "blunder" if _outcome(value, solution.draw_value) < best_class else "inaccuracy"
        moves[action] = _Judgement(value, loss, optimal, category)
    labels = {state.action_to_string(key[1], a): v for a, v in values.items()}
    return _Position(best, moves, json.dumps(labels))


def _outcome(value: float, draw: float) -> int:
    """1 won, 0 drawn, -1 lost under perfect play."""
    return 0 if abs(value - draw) <= TOLERANCE else 1 if value > draw else -1


