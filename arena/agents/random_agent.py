"""Uniformly random legal moves from the rng the episode hands in."""

from __future__ import annotations

from arena.agents.base import Attempt, Decision, Turn


class RandomAgent:
    async def act(self, turn: Turn) -> Decision:
        return self.decide(turn)

    @staticmethod
    def decide(turn: Turn) -> Decision:
        action = turn.rng.choice(turn.state.legal_actions(turn.player))
        return Decision(action, [Attempt(action=action)])
