"""Which evaluator judges which game: one registry from game name to evaluator kind, and the factories.

The evaluator modules are imported only when a kind is made (chess pulls in an engine client, poker
OpenSpiel's policy code). A game named here by its arena name or its OpenSpiel name gets its evaluator;
any other perfect-information two-player zero-sum game is judged by the solver when it is small enough
to solve; every other game has none (None), and the summary says so rather than inventing a number.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from arena.games.base import Game
from arena.quality.base import Evaluator
from arena.quality.settings import QualitySettings


def _solver(s: QualitySettings) -> Evaluator:
    from arena.quality.solver_eval import SolverEvaluator

    return SolverEvaluator(max_states=s.max_states)


def _stockfish(s: QualitySettings) -> Evaluator:
    from arena.quality.chess_eval import StockfishEvaluator

    return StockfishEvaluator(engine=s.engine, depth=s.depth, nodes=s.nodes, cp_cap=s.cp_cap)


def _poker(s: QualitySettings) -> Evaluator:
    from arena.quality.poker import ExploitabilityEvaluator

    return ExploitabilityEvaluator()


def _matrix(s: QualitySettings) -> Evaluator:
    from arena.quality.matrix_games import MatrixEvaluator

    return MatrixEvaluator()


def _ipd(s: QualitySettings) -> Evaluator:
    from arena.quality.ipd import IteratedPDEvaluator

    return IteratedPDEvaluator()


FACTORIES: dict[str, Callable[[QualitySettings], Evaluator]] = {
    "solver": _solver, "stockfish": _stockfish, "poker": _poker, "matrix": _matrix, "ipd": _ipd,
}
"""Evaluator kind -> factory. A kind is what the driver hands to its tasks: plain text, cheap to send."""

BY_GAME: dict[str, str] = {
    "tic_tac_toe": "solver",
    "chess": "stockfish",
    "kuhn_poker": "poker", "leduc_poker": "poker",
    "matrix_pd": "matrix", "matching_pennies": "matrix", "matrix_mp": "matrix", "matrix_rps": "matrix",
    "prisoners_dilemma": "ipd", "python_iterated_prisoners_dilemma": "ipd",
}
"""Game name (arena's or OpenSpiel's) -> evaluator kind."""


def kind_for(game: Game, settings: QualitySettings) -> str | None:
    """The kind of evaluator that judges `game`, or None when none does."""
    named = BY_GAME.get(game.name) or BY_GAME.get(game.spiel.get_type().short_name)
    if named is not None:
        return named
    return "solver" if _solvable(game, settings.max_states) else None


def _solvable(game: Game, max_states: int) -> bool:
    if game.num_players != 2 or game.simultaneous or not game.zero_sum or not game.perfect_information:
        return False
    # Counting a game's states costs up to `max_states` steps: once per game and bound per process.
    answer = _SOLVABLE.get((game.key, max_states))
    if answer is None:
        from arena.solvers.perfect_play import solvable

        answer = _SOLVABLE[(game.key, max_states)] = solvable(game.spiel, max_states) is None
    return answer


_SOLVABLE: dict[tuple[str, int], bool] = {}


def make(kind: str, settings: QualitySettings) -> Evaluator:
    """A new evaluator of `kind`; close it (`close_evaluator`) when done: some hold an engine process."""
    return FACTORIES[kind](settings)


def evaluator_for(game: Game, settings: QualitySettings) -> Evaluator | None:
    kind = kind_for(game, settings)
    return None if kind is None else make(kind, settings)


def close_evaluator(evaluator: Evaluator) -> None:
    close = getattr(evaluator, "close", None)
    if close is not None:
        close()


def settings_of(evaluator: Evaluator) -> dict[str, Any]:
    """The evaluator's settings as its rows record them (after a JSON round trip, so they compare equal)."""
    return json.loads(json.dumps(evaluator.settings(), default=str))
