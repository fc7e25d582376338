"""The bare LiteLLM call of one model: a ChatRequest into `litellm.acompletion`, the answer back.

Timing, retries, limiter leases and spend are backends/wrapper.py's; classification is
backends/errors.py's. This file only translates.
"""

from __future__ import annotations

import os

from arena.chat import ChatRequest
from backends import keys
from backends.errors import Classified, classify
from backends.litellm.constraint import constraint_fields, constraint_method
from backends.litellm.models import ModelEntry
from backends.wrapper import Reply


class LiteLLMCall:
    def __init__(self, entry: ModelEntry, provider: str):
        _quiet_litellm()
        self.entry, self.provider, self.name = entry, provider, entry.arena_name
        self.key_variable = (keys.key_variables(entry) or [None])[0] if keys.key_required(entry) else entry.api_key_env
        self.constraint = constraint_method(entry, provider)

    def refuse(self, request: ChatRequest) -> str | None:
        if request.constrain and not self.constraint:  # refused at config time; never sent unconstrained
            return f"{self.name} cannot constrain its answer to the legal moves"
        return None

    def classify(self, exc: BaseException) -> Classified:
        return classify(exc, self.key_variable)

    async def __call__(self, request: ChatRequest) -> Reply:
        import litellm

        response = await litellm.acompletion(**self._kwargs(request))
        usage = response.usage
        return Reply(text=response.choices[0].message.content or "", prompt_tokens=usage.prompt_tokens,
                     completion_tokens=usage.completion_tokens,
                     cost_usd=self._cost(response, usage.prompt_tokens, usage.completion_tokens))

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
