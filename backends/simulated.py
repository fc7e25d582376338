"""A model stand-in for dry runs and benchmarks: answers a legal move after a fixed delay.

`model: simulated_<anything>` with `backend_options: {latency_ms: 200, illegal_rate: 0.1}`.
Results name the model `simulated_*`, so they can never be mistaken for a real model's.

Also the shortest complete provider (backends/registry.py): options, check, prepare, backend.
"""

from __future__ import annotations

import asyncio
import json
import random
from typing import ClassVar

from pydantic import Field

from arena.chat import ChatBackend, ChatRequest
from arena.config.errors import PlayerOptionError
from arena.config.models import LLMPlayer, Tournament
from backends.errors import Classified, classify
from backends.options import BackendOptions, parse_options, who
from backends.registry import SIMULATED as PREFIX
from backends.wrapper import Reply, Wrapped

__all__ = ["PREFIX", "Options", "backend", "check", "prepare"]


class Options(BackendOptions):
    unknown = "unknown option '{key}'; simulated_* models take latency_ms, illegal_rate"
    must: ClassVar[dict[str, str]] = {"latency_ms": "a number >= 0", "illegal_rate": "a number from 0 to 1"}

    latency_ms: float = Field(default=0.0, ge=0, description="Delay before each answer, in milliseconds.")
    illegal_rate: float = Field(default=0.0, ge=0, le=1, description="Share of answers that name no legal move.")


def check(spec: LLMPlayer, t: Tournament | None = None) -> Options:
    """Refuse an option it would ignore or cannot honour. It honours constrain_moves by answering only
    legal moves, which it does unless illegal_rate asks for illegal ones: the two together are refused."""
    options = parse_options(Options, spec)
    if spec.constrain_moves and options.illegal_rate:
        raise PlayerOptionError("constrain_moves", f"{who(spec)}: constrain_moves means only legal answers, which "
                                "illegal_rate contradicts; drop one of them")
    return options


def prepare(t: Tournament, specs: list[LLMPlayer], use_ray: bool, plan) -> None:
    """Nothing is shared between its players."""


def backend(spec: LLMPlayer, plan=None) -> ChatBackend:
    return Wrapped(SimulatedCall(spec.model, check(spec)))


class SimulatedCall:
    def __init__(self, name: str, options: Options):
        self.name, self.options = name, options

    def refuse(self, request: ChatRequest) -> str | None:
        return None

    def classify(self, exc: BaseException) -> Classified:
        return classify(exc)

    async def __call__(self, request: ChatRequest) -> Reply:
        rng = random.Random(request.sampling.seed)
        if self.options.latency_ms:
            await asyncio.sleep(self.options.latency_ms / 1000)
        if rng.random() < self.options.illegal_rate or not request.legal_moves:
            text = json.dumps({"action": "not-a-move"})
        else:
            text = json.dumps({"action": rng.choice(request.legal_moves)})
        return Reply(text=text, prompt_tokens=sum(len(m["content"]) // 4 for m in request.messages),
                     completion_tokens=len(text) // 4)
