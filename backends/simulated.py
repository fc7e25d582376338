"""A model stand-in for dry runs and benchmarks: answers a legal move after a fixed delay.

`model: simulated_<anything>` with `backend_options: {latency_ms: 200, illegal_rate: 0.1}`.
Results name the model `simulated_*`, so they can never be mistaken for a real model's.
"""

from __future__ import annotations

import asyncio
import json
import random
import time

from arena.chat import ChatRequest, ChatResult
from arena.config.errors import PlayerOptionError, show
from arena.config.models import LLMPlayer

# option -> (lowest, highest) value it takes
OPTIONS = {"latency_ms": (0.0, float("inf")), "illegal_rate": (0.0, 1.0)}


def check_options(spec: LLMPlayer) -> None:
    """Refuse an option it would ignore or cannot honour. It honours constrain_moves by answering only
    legal moves, which it does unless illegal_rate asks for illegal ones: the two together are refused."""
    who = f"player '{spec.display_name}' ({spec.model})"
    for key, value in spec.backend_options.items():
        if key not in OPTIONS:
            raise PlayerOptionError(f"backend_options.{key}", f"{who}: unknown option '{key}'; simulated_* models "
                                    f"take {', '.join(OPTIONS)}")
        low, high = OPTIONS[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            bounds = f"from {low:g} to {high:g}" if high < float("inf") else f">= {low:g}"
            raise PlayerOptionError(f"backend_options.{key}", f"{who}: {key} must be a number {bounds}, "
                                    f"got {show(value)}")
    if spec.constrain_moves and spec.backend_options.get("illegal_rate"):
        raise PlayerOptionError("constrain_moves", f"{who}: constrain_moves means only legal answers, which "
                                "illegal_rate contradicts; drop one of them")


class SimulatedBackend:
    def __init__(self, spec: LLMPlayer):
        check_options(spec)
        options = spec.backend_options
        self.latency_s = float(options.get("latency_ms", 0)) / 1000
        self.illegal_rate = float(options.get("illegal_rate", 0.0))

    async def chat(self, request: ChatRequest) -> ChatResult:
        start = time.perf_counter()
        rng = random.Random(request.sampling.seed)
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        if rng.random() < self.illegal_rate or not request.legal_moves:
            text = json.dumps({"action": "not-a-move"})
        else:
            text = json.dumps({"action": rng.choice(request.legal_moves)})
        return ChatResult(text=text, prompt_tokens=sum(len(m["content"]) // 4 for m in request.messages),
                          completion_tokens=len(text) // 4, latency_s=time.perf_counter() - start)
