"""Model name -> chat backend. One table of prefixes; heavy dependencies load only when used."""

from __future__ import annotations

import importlib
import json
from functools import lru_cache

from arena.chat import ChatBackend
from arena.config.files import shipped
from arena.config.models import LLMPlayer, Tournament

# prefix -> "module:factory" for backends built per process from the player spec alone.
# litellm_ models need shared actors (limits, spend), so backends.plan.prepare builds them.
PROVIDERS: dict[str, str | None] = {
    "simulated_": "backends.simulated:SimulatedBackend",
    "litellm_": None,
    "vllm_": None,
}


class UnknownModel(ValueError):
    pass


def provider_of(model: str) -> str:
    for prefix in PROVIDERS:
        if model.startswith(prefix):
            return prefix
    known = ", ".join(f"{p}<name>" for p in PROVIDERS)
    raise UnknownModel(f"model '{model}' has no known backend prefix; model names look like {known}")


def check(spec: LLMPlayer, t: Tournament | None = None) -> None:
    """Fail before any episode runs if the model cannot be reached at all (unknown prefix, not listed
    in the models file, API key missing) or would ignore one of the player's options."""
    prefix = provider_of(spec.model)
    if prefix == "simulated_":
        from backends.simulated import check_options

        check_options(spec)
    elif prefix == "vllm_":
        _check_vllm(spec, t.vllm_models if t else shipped("vllm_models"))
    elif prefix == "litellm_":
        _check_litellm(spec, t.litellm_models if t else shipped("litellm_models"))


def _check_vllm(spec: LLMPlayer, path: str) -> None:
    from backends.vllm_backend import check_options
    from backends.vllm_models import VLLMConfigError, check_model_dir, find_vllm_entry, read_vllm_models

    try:
        check_model_dir(find_vllm_entry(read_vllm_models(path), spec.model, path), path)
    except VLLMConfigError as e:
        raise UnknownModel(str(e)) from None
    check_options(spec)


def _check_litellm(spec: LLMPlayer, path: str) -> None:
    try:
        importlib.import_module("litellm")
    except ImportError:
        raise UnknownModel(f"model '{spec.model}' needs the litellm package: pip install litellm") from None
    from backends import keys
    from backends.litellm_constraint import check_options
    from backends.litellm_models import ModelsFileError, find_entry, read_models_file

    try:
        entry = find_entry(read_models_file(path), spec.model, path)
    except ModelsFileError as e:
        raise UnknownModel(str(e)) from None
    check_options(spec, entry, keys.provider_of(entry), path)
    missing = keys.missing_key(entry)
    if missing:
        raise UnknownModel(f"model '{spec.model}' needs the API key in {missing}; set it in the environment or in ./.env")


def backend_for(spec: LLMPlayer) -> ChatBackend:
    return _cached(spec.model, json.dumps(spec.backend_options, sort_keys=True), spec.model_dump_json())


@lru_cache(maxsize=64)
def _cached(model: str, options: str, spec_json: str) -> ChatBackend:
    target = PROVIDERS[provider_of(model)]
    if target is None:
        raise UnknownModel(f"model '{model}' is reached through backends.plan.prepare, which this run did not do")
    module_name, factory = target.split(":")
    return getattr(importlib.import_module(module_name), factory)(LLMPlayer.model_validate_json(spec_json))
