"""API keys: from the environment or a .env file, checked before any episode runs, never logged."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backends.litellm.models import ModelEntry

# Board Game Arena users keep these names; LiteLLM looks for others for some providers.
_ALIASES = {
    "together_ai": ["TOGETHER_API_KEY", "TOGETHERAI_API_KEY"],
    "fireworks_ai": ["FIREWORKS_API_KEY", "FIREWORKS_AI_API_KEY"],
}
NO_KEY = "sk-no-key-required"  # OpenAI clients insist on some key, even for local servers


def load_dotenv(cwd: Path | None = None) -> None:
    """Variables in ./.env fill in what the environment lacks (the environment wins)."""
    from dotenv import load_dotenv as _load

    path = (cwd or Path.cwd()) / ".env"
    if path.is_file():
        _load(path, override=False)


def provider_of(entry: ModelEntry) -> str:
    import litellm

    return litellm.get_llm_provider(entry.litellm_model, api_base=entry.api_base)[1]


def key_variables(entry: ModelEntry) -> list[str]:
    """Environment variables that may hold the key, in order of preference."""
    if entry.api_key_env:
        return [entry.api_key_env]
    provider = provider_of(entry)
    if provider in _ALIASES:
        return _ALIASES[provider]
    import litellm

    found = litellm.validate_environment(entry.litellm_model, api_base=entry.api_base)
    return list(found.get("missing_keys") or []) or _present_keys(entry)


def _present_keys(entry: ModelEntry) -> list[str]:
    # validate_environment lists only missing variables; when all are present, name the usual one.
    return [f"{provider_of(entry).upper()}_API_KEY"]


def key_required(entry: ModelEntry) -> bool:
    """A model on an api_base of your own needs a key only when the entry names its variable."""
    return entry.api_base is None or entry.api_key_env is not None


def missing_key(entry: ModelEntry) -> str | None:
    """The variable to set when the model's key is missing, else None."""
    if not key_required(entry):
        return None
    names = key_variables(entry)
    if any(os.environ.get(n) for n in names):
        return None
    return names[0] if names else None


def api_key(entry: ModelEntry) -> str | None:
    """Read at call time, in the process that calls the API, so keys never travel through Ray."""
    for name in key_variables(entry) if key_required(entry) or entry.api_key_env else []:
        if os.environ.get(name):
            return os.environ[name]
    return None if key_required(entry) else NO_KEY
