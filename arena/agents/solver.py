"""The solver player: perfect play from an exact solution of the game.

Among the optimal moves it picks with the seat's seeded rng, so a game repeats from its seed and yet
the player has no fixed line an opponent could learn.
"""

from __future__ import annotations

from arena.agents.base import Attempt, Decision, Turn
from arena.config.models import SolverPlayer
from arena.games.base import Game
from arena.solvers import solvable, solve


class SolverAgent:
    def __init__(self, spec: SolverPlayer, game: Game) -> None:
        self._solution = solve(game.spiel, spec.max_states)  # cached: every seat and episode shares one search

    async def act(self, turn: Turn) -> Decision:
        action = turn.rng.choice(self._solution.best_actions(turn.state))  # sorted, so the draw is reproducible
        return Decision(action, [Attempt(action=action)])


def check_solver(spec: SolverPlayer, game: Game) -> None:
    """Raises ValueError, in one line, when the solver cannot play `game` within its max_states."""
    why = solvable(game.spiel, spec.max_states)
    if why:
        raise ValueError(why)
