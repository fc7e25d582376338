"""Real episodes for evaluator tests: played with the real episode loop, shaped as the quality code reads them.

Import it from a test with `sys.path.insert(0, str(Path(__file__).parent))` (--import-mode=importlib:
no package to import from).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence

import pandas as pd

from arena.agents.base import Agent
from arena.agents.factory import make_agent
from arena.config.models import PlayerSpec
from arena.episode import EpisodeLog, play_episode
from arena.games import load_game
from arena.games.base import Game
from arena.quality.base import Episode

MOVE_COLUMNS = ["move_number", "seat", "attempt", "action", "legal", "fallback", "model"]


def moves_frame(log: EpisodeLog) -> pd.DataFrame:
    """The moves table's rows of one episode, in the columns the replay reads."""
    return pd.DataFrame([{
        "move_number": m.move_number, "seat": m.seat, "attempt": m.attempt_number, "action": m.attempt.action,
        "legal": m.attempt.legal, "fallback": m.attempt.fallback or None, "model": None,
    } for m in log.moves], columns=MOVE_COLUMNS)


def play_with_agents(game: Game, agents: Sequence[Agent], names: Sequence[str], seed: int) -> Episode:
    """One episode of `agents` (by seat): chance is drawn from `seed`, as Episode.seed says, and each seat
    draws from its own rng."""
    seat_seeds = [2 * seed + seat for seat in range(len(agents))]  # distinct for every episode and seat
    log = asyncio.run(play_episode(game, agents, random.Random(seed), [random.Random(s) for s in seat_seeds], None,
                                   EpisodeLog()))
    return Episode(episode_id=f"e{seed}", play_id=f"p{seed}", tournament="test", game=game.name, game_key=game.key,
                   seed=seed, players=list(names), status=log.status.value if log.status else "",
                   moves=moves_frame(log))


def play_episodes(game_name: str, players: Sequence[PlayerSpec], n: int, seed: int,
                  params: dict | None = None) -> list[Episode]:
    """`n` episodes of `players` (by seat) on `game_name`, episode i seeded with seed + i."""
    game = load_game(game_name, params)
    names = [p.display_name for p in players]
    return [play_with_agents(game, [make_agent(p, game, 2 * (seed + i) + seat) for seat, p in enumerate(players)],
                             names, seed + i) for i in range(n)]
