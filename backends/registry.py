"""Model name prefix -> provider module: the one table of backends (TextArena's registration shape).

A provider module is imported on first use, so a tournament of simulated_* players never loads
LiteLLM or vLLM; a missing dependency is one line saying what to install. Every provider module
has the same small surface:

    PREFIX                          its model name prefix (the key below)
    Options                         pydantic model of its players' backend_options
    check(spec, t)                  refuse, before Ray starts, a player it cannot honour
    prepare(t, specs, use_ray, plan)   bring up once per run what its players share (may do nothing)
    backend(spec, plan)             the ChatBackend of one player, in the process that plays:
                                    a backends.wrapper.Wrapped around the provider's bare call

Adding a backend is one module with that surface and one line here.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from arena.config.models import LLMPlayer, Tournament

LITELLM, VLLM, SIMULATED = "litellm_", "vllm_", "simulated_"

# prefix -> (provider module, the package it needs or None, how to install it)
PROVIDERS: dict[str, tuple[str, str | None, str]] = {
    LITELLM: ("backends.litellm.provider", "litellm", "pip install litellm"),
    VLLM: ("backends.vllm.provider", None, ""),  # vLLM itself is needed only where a model is served or called
    SIMULATED: ("backends.simulated", None, ""),
}


class UnknownModel(ValueError):
    pass


def prefix_of(model: str) -> str:
    for prefix in PROVIDERS:
        if model.startswith(prefix):
            return prefix
    known = ", ".join(f"{p}<name>" for p in PROVIDERS)
    raise UnknownModel(f"model '{model}' has no known backend prefix; model names look like {known}")


def provider(model: str) -> ModuleType:
    """The provider module of a model name (or prefix), imported now if it was not yet."""
    module, package, install = PROVIDERS[prefix_of(model)]
    if package is not None and importlib.util.find_spec(package) is None:
        raise UnknownModel(f"model '{model}' needs the {package} package: {install}")
    return importlib.import_module(module)


def check(spec: LLMPlayer, t: Tournament | None = None) -> None:
    """Fail before any episode runs if the model cannot be reached at all (unknown prefix, not listed
    in the models file, API key missing) or would ignore one of the player's options."""
    provider(spec.model).check(spec, t)
