"""The one async chat interface every model backend implements.

`arena` defines it; `backends/` implements it (LiteLLM, vLLM, simulated). The
LLM agent only ever sees `ChatBackend.chat`. Retries, rate limits and error
classification live behind it, in the backend, written once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable


class ErrorClass(StrEnum):
    """Why a chat call failed, as classified once by the backend."""

    NONE = ""
    RATE_LIMITED = "rate_limited"  # 429 that outlived the backend's waiting
    TRANSIENT = "transient"  # 5xx, timeout, refused connection after retries
    FATAL = "fatal"  # bad key, unknown model: this model cannot play at all
    REQUEST = "request"  # this request only (e.g. context window exceeded)
    BUDGET = "budget"  # the model's (or tournament's) spend cap is reached: no call was made


@dataclass(frozen=True)
class Sampling:
    """Sampling settings sent with every request of one player."""

    temperature: float = 0.0
    max_tokens: int = 512
    top_p: float = 1.0
    seed: int | None = None


@dataclass
class ChatRequest:
    """One chat completion request.

    `legal_moves` are the labels the prompt lists. When `constrain` is set, the
    backend restricts decoding to them (vLLM structured outputs, a JSON schema
    for providers that take one). A player whose backend cannot constrain is
    refused when the config is read, so `constrain` is never silently ignored.
    """

    messages: list[dict[str, str]]
    sampling: Sampling = field(default_factory=Sampling)
    legal_moves: list[str] = field(default_factory=list)
    constrain: bool = False


@dataclass
class ChatResult:
    """The answer to a ChatRequest, or the classified reason there is none."""

    text: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_s: float = 0.0
    cost_usd: float = 0.0
    error_class: ErrorClass = ErrorClass.NONE
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.error_class is ErrorClass.NONE


@runtime_checkable
class ChatBackend(Protocol):
    """Anything that can answer a chat request asynchronously."""

    async def chat(self, request: ChatRequest) -> ChatResult: ...

