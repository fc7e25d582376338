"""The one wrapper around every provider's bare call: timing, retries, limiter leases, spend, errors.

A provider writes only a bare call (Inspect AI's shape, STYLE item 1): translate a ChatRequest,
send it once, return a `Reply` or raise; and `classify` for the exceptions it knows. `Wrapped`
turns that into arena's ChatBackend: it waits on the limiters, times the call, retries it as
backends/retry.py decides, records spend and fatal errors in the ledger, and maps the outcome
to a ChatResult. Nothing of this is written in a provider.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol

from arena.chat import ChatRequest, ChatResult, ErrorClass
from backends.errors import Classified
from backends.retry import RetryPolicy, with_retries


@dataclass(frozen=True)
class Reply:
    """What one successful bare call returns."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0


class BareCall(Protocol):
    """One model, one attempt, no retries. `name` is the arena model name (spend, blocked models)."""

    name: str

    async def __call__(self, request: ChatRequest) -> Reply: ...

    def classify(self, exc: BaseException) -> Classified: ...

    def refuse(self, request: ChatRequest) -> str | None:
        """Why this request must not be sent at all (a FATAL result, no call), else None."""
        ...


class SpendLedger(Protocol):
    """backends/ledger.py's Ledger seen through an awaitable record (an actor, or AsyncLedger in-process)."""

    async def record(self, model: str, cost_usd: float, fatal: str | None) -> dict[str, tuple[str, str]]: ...


def estimate_tokens(request: ChatRequest) -> int:
    """Charged against tokens-per-minute up front, corrected when the real count is known."""
    return sum(len(m["content"]) for m in request.messages) // 4 + request.sampling.max_tokens


@dataclass
class Activity:
    """This process's model requests awaiting an answer, and what its answers cost: a run's progress bar
    shows them (cluster/tasks.py reports them from each task)."""

    in_flight: int = 0
    spent_usd: float = 0.0


ACTIVITY = Activity()


@dataclass
class Wrapped:
    """A ChatBackend from a bare call. `limiters` have async acquire(tokens)/release(lease, tokens);
    `ledger` has async record(model, cost, fatal) returning the blocked models (None: no spend kept).
    Spend is recorded only with `track_spend` (a budget needs it); failures always, so a fatal
    error stops the model everywhere."""

    call: BareCall
    limiters: list = field(default_factory=list)
    ledger: SpendLedger | None = None
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    track_spend: bool = False
    blocked: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __reduce__(self):  # what was blocked is this process's view; a fresh one starts empty
        return Wrapped, (self.call, self.limiters, self.ledger, self.policy, self.track_spend)

    async def chat(self, request: ChatRequest) -> ChatResult:
        hit = self.blocked.get(self.call.name) or self.blocked.get("*")
        if hit:
            return ChatResult(error_class=ErrorClass(hit[0]), error=hit[1])
        if (refused := self.call.refuse(request)) is not None:
            return ChatResult(error_class=ErrorClass.FATAL, error=refused)
        estimate, timing = estimate_tokens(request), {}

        async def attempt() -> Reply:
            leases: list = []
            used, started = None, time.perf_counter()
            try:
                for limiter in self.limiters:  # inside the try: a failed acquire releases those already taken
                    leases.append(await limiter.acquire(estimate))
                started = time.perf_counter()
                reply = await self.call(request)
                used = reply.prompt_tokens + reply.completion_tokens
                return reply
            finally:
                timing["latency"] = time.perf_counter() - started
                for limiter, lease in zip(self.limiters, leases, strict=False):  # leases: only those taken
                    await limiter.release(lease, used)

        ACTIVITY.in_flight += 1
        try:
            outcome = await with_retries(attempt, self.call.classify, self.policy)
        finally:
            ACTIVITY.in_flight -= 1
        if outcome.failure is not None:
            return await self._failed(outcome.failure, timing.get("latency", 0.0))
        reply = outcome.value
        assert reply is not None  # with_retries returns a value whenever there is no failure
        ACTIVITY.spent_usd += reply.cost_usd
        if self.ledger is not None and self.track_spend:
            self.blocked = await self.ledger.record(self.call.name, reply.cost_usd, None)
        return ChatResult(text=reply.text, prompt_tokens=reply.prompt_tokens, completion_tokens=reply.completion_tokens,
                          latency_s=timing["latency"], cost_usd=reply.cost_usd)

    async def _failed(self, failure: Classified, latency_s: float) -> ChatResult:
        if self.ledger is not None:
            fatal = failure.message if failure.error_class is ErrorClass.FATAL else None
            self.blocked = await self.ledger.record(self.call.name, 0.0, fatal)
        return ChatResult(error_class=failure.error_class, error=failure.message, latency_s=latency_s)
