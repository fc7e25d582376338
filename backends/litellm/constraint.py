"""`constrain_moves` and `backend_options` for litellm_* players: honoured, or refused when the config is read.

Two ways to make a model answer only a legal move over an OpenAI-style API:
- response_format: a JSON schema `{"action": <one of the legal moves>}` (OpenAI structured outputs;
  LiteLLM translates it for the providers it knows support response schemas);
- structured_outputs: vLLM's `{"choice": [...]}`, sent in extra_body (hosted_vllm, or any vLLM server).
A model's entry picks one with `constrain_with`; 'auto' asks LiteLLM what the model supports.
"""

from __future__ import annotations

from typing import Literal

from arena.config.errors import PlayerOptionError
from arena.config.models import LLMPlayer
from backends.litellm.models import ModelEntry
from backends.options import BackendOptions, parse_options, who

Method = Literal["response_format", "structured_outputs"]


def constraint_method(entry: ModelEntry, provider: str) -> Method | None:
    """How this model is constrained to the legal moves, or None when it cannot be."""
    if entry.constrain_with == "none":
        return None
    if entry.constrain_with != "auto":
        return entry.constrain_with
    if provider == "hosted_vllm":
        return "structured_outputs"
    import litellm

    return "response_format" if litellm.supports_response_schema(entry.litellm_model, provider) else None


def constraint_fields(method: Method, legal_moves: list[str]) -> dict:
    """The request parameters that restrict the answer to `legal_moves` (the prompt's JSON answer form)."""
    if method == "structured_outputs":
        return {"extra_body": {"structured_outputs": {"choice": list(legal_moves)}}}
    schema = {"type": "object", "properties": {"action": {"type": "string", "enum": list(legal_moves)}},
              "required": ["action"], "additionalProperties": False}
    return {"response_format": {"type": "json_schema",
                                "json_schema": {"name": "move", "schema": schema, "strict": True}}}


class Options(BackendOptions):
    """litellm_* players take no backend_options: request parameters go in the model's entry (extra:)."""

    unknown = ("litellm_* models take no backend_options; remove '{key}' (request parameters go under extra: "
               "in its entry in {models_file})")


def check_options(spec: LLMPlayer, entry: ModelEntry, provider: str, models_file: str) -> None:
    """Refuse what a LiteLLM call would ignore: any backend_options, and constrain_moves it cannot honour."""
    parse_options(Options, spec, models_file=models_file)
    if not spec.constrain_moves or constraint_method(entry, provider):
        return
    if entry.constrain_with == "none":
        why = f"its entry in {models_file} sets constrain_with: none"
    else:
        why = f"LiteLLM knows of no JSON-schema support for {entry.litellm_model} (provider {provider})"
    raise PlayerOptionError("constrain_moves", f"{who(spec)} cannot be constrained to legal moves: {why}; remove "
                            "constrain_moves, or if the endpoint supports it set constrain_with: response_format "
                            f"(JSON schema) or structured_outputs (vLLM) on its entry in {models_file}")
