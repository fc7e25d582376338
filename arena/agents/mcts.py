"""OpenSpiel's C++ MCTS bot; information-set MCTS on imperfect-information games.

Plain MCTS searches the true state, which would let it see an opponent's hidden
cards; IS-MCTS searches information states instead, so it cannot cheat.
"""

from __future__ import annotations

import pyspiel

from arena.agents.base import Attempt, Decision, Turn
from arena.config.models import MCTSPlayer
from arena.games.base import Game

_MAX_MEMORY_MB = 256


class MCTSAgent:
    def __init__(self, spec: MCTSPlayer, game: Game, seed: int):
        seed %= 2**31  # the C++ bots take a 32-bit seed
        if game.simultaneous:
            raise ValueError(f"player '{spec.display_name}': MCTS cannot play simultaneous-move game '{game.name}'")
        evaluator = pyspiel.RandomRolloutEvaluator(spec.rollouts, seed)
        if game.perfect_information:
            self._bot = pyspiel.MCTSBot(
                game.spiel, evaluator, spec.uct_c, spec.simulations, _MAX_MEMORY_MB, False, seed, False
            )
        else:
            self._bot = pyspiel.ISMCTSBot(
                seed, evaluator, spec.uct_c, spec.simulations, -1,
                pyspiel.ISMCTSFinalPolicyType.MAX_VISIT_COUNT, False, False,
            )

    async def act(self, turn: Turn) -> Decision:
        action = self._bot.step(turn.state)
        return Decision(action, [Attempt(action=action)])
