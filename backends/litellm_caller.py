"""One LiteLLM model behind the limits of its account: the body of a gateway actor.

Retries live in backends/retry.py, classification in backends/errors.py; this file
only translates a ChatRequest into `litellm.acompletion` and the answer back.
"""

from __future__ import annotations

import os
import time

from arena.chat import ChatRequest, ChatResult, ErrorClass
from backends import keys
from backends.errors import Classified, classify
from backends.litellm_constraint import constraint_fields, constraint_method
from backends.litellm_models import ModelEntry
from backends.retry import RetryPolicy, with_retries


def estimate_tokens(request: ChatRequest) -> int:
    """Charged against tokens-per-minute up front, corrected when the real count is known."""
    return sum(len(m["content"]) for m in request.messages) // 4 + request.sampling.max_tokens


class LiteLLMCaller:
    """Calls one model. `limiters` have async acquire(tokens)/release(lease, tokens); `ledger`
    has async record(model, cost, fatal) returning the blocked models."""

    def __init__(self, entry: ModelEntry, provider: str, limiters: list, ledger, policy: RetryPolicy | None = None,
                 track_spend: bool = True):
        _quiet_litellm()
        self.entry, self.provider, self.limiters, self.ledger = entry, provider, limiters, ledger
        self.policy, self.track_spend = policy or RetryPolicy(), track_spend
        self.key_variable = (keys.key_variables(entry) or [None])[0] if keys.key_required(entry) else entry.api_key_env
        self.constraint = constraint_method(entry, provider)
        self.blocked: dict[str, tuple[str, str]] = {}

    def _kwargs(self, request: ChatRequest) -> dict:
        s = request.sampling
        kwargs = dict(model=self.entry.litellm_model, messages=request.messages, temperature=s.temperature,
                      max_tokens=s.max_tokens, top_p=s.top_p, timeout=self.entry.timeout_s, num_retries=0,
                      max_retries=0, api_base=self.entry.api_base, api_key=self._api_key())
        if s.seed is not None:
            kwargs["seed"] = s.seed
        if request.constrain and request.legal_moves and self.constraint:
            kwargs.update(constraint_fields(self.constraint, request.legal_moves))
        return {**kwargs, **self.entry.extra}

    def _api_key(self) -> str | None:
        # Read per call from this process's environment, so a key never travels through Ray.
        if self.key_variable:
            return os.environ.get(self.key_variable) or keys.api_key(self.entry)
        return keys.NO_KEY

    async def chat(self, request: ChatRequest) -> ChatResult:
        import litellm

        name = self.entry.arena_name
        hit = self.blocked.get(name) or self.blocked.get("*")
        if hit:
            return ChatResult(error_class=ErrorClass(hit[0]), error=hit[1])
        if request.constrain and not self.constraint:  # refused at config time; never sent unconstrained
            return ChatResult(error_class=ErrorClass.FATAL,
                              error=f"{name} cannot constrain its answer to the legal moves")
        estimate, timing = estimate_tokens(request), {}

        async def attempt():
            leases = [await limiter.acquire(estimate) for limiter in self.limiters]
            used, started = None, time.perf_counter()
            try:
                response = await litellm.acompletion(**self._kwargs(request))
                timing["latency"] = time.perf_counter() - started
                used = response.usage.prompt_tokens + response.usage.completion_tokens
                return response
            finally:
                for limiter, lease in zip(self.limiters, leases):
                    await limiter.release(lease, used)

        outcome = await with_retries(attempt, lambda e: classify(e, self.key_variable), self.policy)
        if outcome.failure is not None:
            return await self._failed(outcome.failure)
        response = outcome.value
        usage = response.usage
        cost = self._cost(response, usage.prompt_tokens, usage.completion_tokens)
        if self.track_spend:
            self.blocked = await self.ledger.record(name, cost, None)
        return ChatResult(text=response.choices[0].message.content or "", prompt_tokens=usage.prompt_tokens,
                          completion_tokens=usage.completion_tokens, latency_s=timing.get("latency", 0.0), cost_usd=cost)

    async def _failed(self, failure: Classified) -> ChatResult:
        fatal = failure.message if failure.error_class is ErrorClass.FATAL else None
        self.blocked = await self.ledger.record(self.entry.arena_name, 0.0, fatal)
        return ChatResult(error_class=failure.error_class, error=failure.message)

    def _cost(self, response, prompt_tokens: int, completion_tokens: int) -> float:
        e = self.entry
        if e.input_cost_per_token is not None or e.output_cost_per_token is not None:
            return prompt_tokens * (e.input_cost_per_token or 0.0) + completion_tokens * (e.output_cost_per_token or 0.0)
        # LiteLLM already priced the call from its offline cost map; computing it again would
        # cost a quarter of the gateway's CPU. A model missing from the map costs "unknown", shown as 0.
        return float((getattr(response, "_hidden_params", None) or {}).get("response_cost") or 0.0)


def _quiet_litellm() -> None:
    """LiteLLM prints a help banner on every failed call; our own error rows say what happened."""
    import logging

    import litellm

    litellm.suppress_debug_info = True
    logging.getLogger("LiteLLM").setLevel(logging.ERROR)
