"""A ChatBackend that answers from a script: the test double for model backends.

It is a real implementation of the ChatBackend protocol, not a mock of our own
code: it records every request and returns the scripted results in order.
"""

from __future__ import annotations

from collections.abc import Iterable

from arena.chat import ChatRequest, ChatResult, ErrorClass


def reply(text: str, **fields: object) -> ChatResult:
    """A successful answer; token counts default to rough word counts."""
    fields.setdefault("prompt_tokens", 100)
    fields.setdefault("completion_tokens", len(text.split()))
    fields.setdefault("latency_s", 0.25)
    return ChatResult(text=text, **fields)  # type: ignore[arg-type]


def failure(error_class: ErrorClass, error: str = "scripted failure") -> ChatResult:
    return ChatResult(error_class=error_class, error=error, latency_s=0.5)


class ScriptedBackend:
    """Returns `script` items in order (str -> successful reply); fails loudly when exhausted."""

    def __init__(self, script: Iterable[str | ChatResult]) -> None:
        self.script = [reply(s) if isinstance(s, str) else s for s in script]
        self.requests: list[ChatRequest] = []

    async def chat(self, request: ChatRequest) -> ChatResult:
        self.requests.append(request)
        if len(self.requests) > len(self.script):
            raise AssertionError(f"ScriptedBackend: call {len(self.requests)} but only {len(self.script)} scripted")
        return self.script[len(self.requests) - 1]
