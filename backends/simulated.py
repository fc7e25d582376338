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
from arena.config.models import LLMPlayer


class SimulatedBackend:
    def __init__(self, spec: LLMPlayer):
        options = spec.backend_options
        self.latency_s = float(options.get("latency_ms", 0)) / 1000
        self.illegal_rate = float(options.get("illegal_rate", 0.0))
        unknown = set(options) - {"latency_ms", "illegal_rate"}
        if unknown:
            raise ValueError(f"model '{spec.model}': unknown backend_options {sorted(unknown)}; use latency_ms, illegal_rate")

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
