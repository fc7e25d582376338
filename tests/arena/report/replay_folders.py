"""Results folders for the replay tests, played in-process (no Ray): a chess game, a simultaneous game and
tic-tac-toe, against a model that answers legal moves, nonsense, markup, and now and then fails outright."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

from arena.chat import ChatRequest, ChatResult, ErrorClass
from arena.config import Tournament
from arena.results.writer import write_parts
from arena.schedule import episodes
from arena.shard import play_shard

BREAKOUT = "</script><script>window.pwned = 1</script>"
"""An answer that would end an inline script early and run one of its own, if a replay did not escape it."""


class AwkwardModel:
    """A ChatBackend: mostly a random legal move; sometimes nonsense, sometimes BREAKOUT (both illegal), and
    once in `fail_every` calls a transient backend failure, which ends that episode with status error."""

    def __init__(self, seed: int, fail_every: int = 0) -> None:
        self.rng = random.Random(seed)
        self.fail_every = fail_every
        self.calls = 0

    async def chat(self, request: ChatRequest) -> ChatResult:
        self.calls += 1
        if self.fail_every and self.calls % self.fail_every == 0:
            return ChatResult(error_class=ErrorClass.TRANSIENT, error="gateway timed out after 3 retries")
        draw = self.rng.random()
        text = BREAKOUT if draw < 0.08 else "no idea" if draw < 0.2 else self.rng.choice(request.legal_moves)
        return ChatResult(text=text, prompt_tokens=150, completion_tokens=4, latency_s=self.rng.uniform(0.1, 0.9),
                          cost_usd=0.002)


def play(root: Path, games: list[str], episodes_per_pairing: int, *, fail_every: int = 0,
         max_moves: int = 40) -> Path:
    """A real results folder of `games` in `root`: random against the awkward model."""
    t = Tournament.model_validate({
        "name": "replays", "games": [{"name": g} for g in games], "episodes_per_pairing": episodes_per_pairing,
        "players": [{"type": "random"}, {"type": "llm", "model": "simulated_awkward", "max_illegal_attempts": 2,
                                          "on_illegal": "forfeit"}],
        "max_moves": max_moves})
    model = AwkwardModel(seed=11, fail_every=fail_every)
    write_parts(root, asyncio.run(play_shard(t, episodes(t), backend_for=lambda spec: model)))
    return root
