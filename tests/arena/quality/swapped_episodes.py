"""Episodes of named agents with seats swapped every other episode (a round robin's seating), played with
the real episode loop in one event loop (a loop per episode would cost a millisecond each); and a scripted
player that always takes one action."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence

from episodes import moves_frame

from arena.agents.base import Agent, Attempt, Decision, Turn
from arena.agents.random_agent import RandomAgent
from arena.episode import EpisodeLog, play_episode
from arena.games import load_game
from arena.quality.base import Episode


class FixedAction:
    """Always takes one action (always bet, always rock)."""

    def __init__(self, action: int) -> None:
        self.action = action

    async def act(self, turn: Turn) -> Decision:
        return Decision(self.action, [Attempt(action=self.action)])


def play_swapped(game_name: str, players: Sequence[tuple[str, Agent]], n: int, seed: int,
                 params: dict | None = None) -> list[Episode]:
    """`n` episodes of the two `players` (name, agent), episode i seeded with seed + i (chance) and
    2 (seed + i) + seat (the seats' own draws); a name given twice is one player in both seats."""
    game = load_game(game_name, params)

    async def all_episodes() -> list[Episode]:
        out = []
        for i in range(n):
            seats = list(players) if i % 2 == 0 else list(players)[::-1]
            s = seed + i
            log = await play_episode(game, [agent for _, agent in seats], random.Random(s),
                                     [random.Random(2 * s + k) for k in range(len(seats))], None, EpisodeLog())
            out.append(Episode(episode_id=f"e{s}", play_id=f"p{s}", tournament="test", game=game.name,
                               game_key=game.key, seed=s, players=[name for name, _ in seats],
                               status=log.status.value if log.status else "", moves=moves_frame(log)))
        return out

    return asyncio.run(all_episodes())


def random_players(*names: str) -> list[tuple[str, Agent]]:
    return [(name, RandomAgent()) for name in names]
