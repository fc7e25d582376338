"""OpenSpiel's MCTS bot; information-set MCTS on imperfect-information games.

Plain MCTS searches the true state, which would let it see an opponent's hidden
cards; IS-MCTS searches information states instead, so it cannot cheat. The
IS-MCTS bot is OpenSpiel's Python one with its world resampling drawn from the
seeded rng: by default both OpenSpiel IS-MCTS bots resample hidden cards with an
unseeded sampler, so the same seed gave different moves from run to run.
"""

from __future__ import annotations

import numpy as np
import pyspiel

from arena.agents.base import Attempt, Decision, Turn
from arena.config.models import MCTSPlayer
from arena.games.base import Game

_MAX_MEMORY_MB = 256


class MCTSAgent:
    def __init__(self, spec: MCTSPlayer, game: Game, seed: int):
        seed %= 2**31  # the C++ bot takes a 32-bit seed
        if game.simultaneous:
            raise ValueError(f"player '{spec.display_name}': MCTS cannot play simultaneous-move game '{game.name}'")
        if game.perfect_information:
            # Kept on self: the C++ bot does not own its evaluator.
            self._evaluator = pyspiel.RandomRolloutEvaluator(spec.rollouts, seed)
            self._bot = pyspiel.MCTSBot(
                game.spiel, self._evaluator, spec.uct_c, spec.simulations, _MAX_MEMORY_MB, False, seed, False
            )
        else:
            from open_spiel.python.algorithms import ismcts, mcts

            rng = np.random.RandomState(seed)
            self._bot = ismcts.ISMCTSBot(
                game.spiel, mcts.RandomRolloutEvaluator(spec.rollouts, rng), spec.uct_c, spec.simulations,
                random_state=rng,
            )
            self._bot.set_resampler(lambda state, player: state.resample_from_infostate(player, rng.uniform))

    async def act(self, turn: Turn) -> Decision:
        action = int(self._bot.step(turn.state))
        return Decision(action, [Attempt(action=action)])
