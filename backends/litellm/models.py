"""configs/litellm_models.yaml: which litellm_* models may play, and how to reach each one.

The Board Game Arena shape (a `models:` list of names) is read as-is. An entry may
also be a mapping that adds api_base, limits, prices and extra request parameters:

    allow_any_model: false        # true: models not listed play with defaults
    models:
      - litellm_groq/llama3-8b-8192
      - name: litellm_openai/my-model
        api_base: http://127.0.0.1:8000/v1
        api_key_env: MY_SERVER_KEY
        rpm: 600
        input_cost_per_token: 0.0000002
        extra: {top_k: 5}
        constrain_with: response_format   # how constrain_moves is sent (backends/litellm/constraint.py)
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from arena.config.errors import ConfigError
from backends.files import read_once
from backends.registry import LITELLM as PREFIX


class ModelEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Model name, with or without the litellm_ prefix, e.g. litellm_groq/llama3-8b-8192.")
    api_base: str | None = Field(default=None, description="Base URL of an OpenAI-compatible or provider endpoint.")
    api_key_env: str | None = Field(
        default=None, description="Environment variable holding the key; default: the provider's usual one (e.g. GROQ_API_KEY)."
    )
    rpm: int | None = Field(default=None, gt=0, description="Requests per minute for this model alone.")
    tpm: int | None = Field(default=None, gt=0, description="Tokens per minute for this model alone.")
    max_concurrency: int | None = Field(default=None, gt=0, description="Requests in flight for this model alone.")
    timeout_s: float = Field(default=60.0, gt=0, description="Timeout of one request.")
    input_cost_per_token: float | None = Field(default=None, ge=0, description="Price override, USD per prompt token.")
    output_cost_per_token: float | None = Field(default=None, ge=0, description="Price override, USD per completion token.")
    budget_usd: float | None = Field(default=None, gt=0, description="Spend cap; once reached, the model's remaining episodes are skipped.")
    extra: dict[str, object] = Field(default_factory=dict, description="Extra request parameters passed to litellm.acompletion.")
    constrain_with: Literal["auto", "response_format", "structured_outputs", "none"] = Field(
        default="auto",
        description="How players' constrain_moves reaches the model: 'response_format' (an OpenAI-style JSON schema "
        "whose action is one of the legal moves), 'structured_outputs' (vLLM's choice among them), 'none' (refused); "
        "'auto': structured_outputs for hosted_vllm, response_format where LiteLLM knows the model supports "
        "response schemas, else none.",
    )

    @property
    def litellm_model(self) -> str:
        """The model string LiteLLM understands (no litellm_ prefix)."""
        return self.name[len(PREFIX):] if self.name.startswith(PREFIX) else self.name

    @property
    def arena_name(self) -> str:
        return PREFIX + self.litellm_model


class ModelsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    allow_any_model: bool = Field(default=False, description="Let models that are not listed play, with default settings.")
    models: list[ModelEntry] = Field(default_factory=list, description="Models that may play.")


class ModelsFileError(ConfigError):
    """A one-line error about a litellm models file, reported like any config error (exit 2)."""


def read_models_file(path: str | Path) -> ModelsFile:
    """The file's models; read once per run (backends/files.py)."""
    return read_once(path, _parse)


def _parse(path: Path) -> ModelsFile:
    if not path.is_file():
        raise ModelsFileError(f"{path}: no such models file; give the path of an existing file")
    try:
        data = yaml.safe_load(path.read_text()) or {}
        entries = [{"name": m} if isinstance(m, str) else m for m in data.get("models") or []]
        return ModelsFile.model_validate({**data, "models": entries})
    except (yaml.YAMLError, ValidationError, AttributeError) as e:
        first = e.errors()[0] if isinstance(e, ValidationError) else None
        detail = f"{'.'.join(map(str, first['loc']))}: {first['msg']}" if first else str(e).splitlines()[0]
        raise ModelsFileError(f"{path}: {detail}") from None


def find_entry(models: ModelsFile, model: str, path: str | Path) -> ModelEntry:
    """The entry of an arena model name (litellm_...), or an error naming the file to edit."""
    wanted = model[len(PREFIX):]
    for entry in models.models:
        if entry.litellm_model == wanted:
            return entry
    if models.allow_any_model:
        return ModelEntry(name=model)
    raise ModelsFileError(
        f"model '{model}' is not listed in {path}; add it under 'models:' (or set allow_any_model: true there)"
    )
