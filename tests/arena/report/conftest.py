"""A small real results folder, played in-process (no Ray): two games, scripted players and a paying model."""

from __future__ import annotations

import asyncio
import random
import sys
from pathlib import Path

import pytest

from arena.chat import ChatRequest, ChatResult
from arena.config import Tournament
from arena.results.writer import write_parts
from arena.schedule import episodes
from arena.shard import play_shard


class CheapModel:
    """A ChatBackend that answers a random legal move, or nonsense one time in five, at a price."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    async def chat(self, request: ChatRequest) -> ChatResult:
        text = "no idea" if self.rng.random() < 0.2 else self.rng.choice(request.legal_moves)
        return ChatResult(text=text, prompt_tokens=120, completion_tokens=3, latency_s=self.rng.uniform(0.1, 0.9),
                          cost_usd=0.001)


TOURNAMENT = {
    "name": "report_demo", "games": [{"name": "tic_tac_toe"}, {"name": "kuhn_poker"}], "episodes_per_pairing": 12,
    "players": [{"type": "random"}, {"type": "mcts", "simulations": 8},
                {"type": "llm", "model": "simulated_cheap", "max_illegal_attempts": 2, "on_illegal": "forfeit"}],
}


@pytest.fixture(scope="session")
def results_dir(tmp_path_factory):
    t = Tournament.model_validate(TOURNAMENT)
    root = tmp_path_factory.mktemp("results") / t.name
    model = CheapModel(seed=5)
    write_parts(root, asyncio.run(play_shard(t, episodes(t), backend_for=lambda spec: model)))
    return root


# The headless-Chromium fixtures `browser` and `page` (tests/arena/report/browser.py), for every test in this folder.
sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: no package to import from
from browser import browser, page  # noqa: E402, F401
