"""Model name -> chat backend. One lazy table; heavy dependencies load only when used."""

from __future__ import annotations

import importlib
import json
from functools import lru_cache

from arena.chat import ChatBackend
from arena.config.models import LLMPlayer

# prefix -> "module:factory"; the factory takes the LLMPlayer spec.
PROVIDERS: dict[str, str] = {
    "simulated_": "backends.simulated:SimulatedBackend",
}


class UnknownModel(ValueError):
    pass


def provider_of(model: str) -> str:
    for prefix in PROVIDERS:
        if model.startswith(prefix):
            return prefix
    known = ", ".join(f"{p}<name>" for p in PROVIDERS)
    raise UnknownModel(f"model '{model}' has no known backend prefix; model names look like {known}")


def check(spec: LLMPlayer) -> None:
    """Fail before any episode runs if the model cannot be reached at all."""
    provider_of(spec.model)


def backend_for(spec: LLMPlayer) -> ChatBackend:
    return _cached(spec.model, json.dumps(spec.backend_options, sort_keys=True), spec.model_dump_json())


@lru_cache(maxsize=64)
def _cached(model: str, options: str, spec_json: str) -> ChatBackend:
    module_name, factory = PROVIDERS[provider_of(model)].split(":")
    return getattr(importlib.import_module(module_name), factory)(LLMPlayer.model_validate_json(spec_json))
