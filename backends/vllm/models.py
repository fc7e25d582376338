"""configs/vllm_models.yaml: which vllm_* models may play, where their weights are, how to serve them.

The Board Game Arena shape is read as-is; serving settings are optional additions:

    models:
      - name: vllm_tiny                    # players say model: vllm_tiny
        model_path: ../models/tiny-llama   # relative paths: against this file's directory
        tokenizer_path: ../models/tiny-llama
        description: random-weight Llama for tests
        tensor_parallel_size: 1            # GPUs per replica (one node)
        autoscaling: {min_replicas: 1, max_replicas: 4}
        engine_kwargs: {enforce_eager: true}

Relative paths are resolved against the YAML file's directory, never the working directory, so a
tournament behaves the same wherever `arena` is started. Reading does not touch the model
directories (they may live only on GPU nodes); `check_model_dir` does, where they should exist.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from arena.config.errors import ConfigError
from backends.files import read_once
from backends.registry import VLLM as PREFIX

# Keys with their own field (one source of truth), and keys Ray Serve LLM sets itself and rejects.
OWN_FIELDS = {"tensor_parallel_size", "max_model_len", "gpu_memory_utilization", "dtype", "tokenizer"}
SET_BY_SERVE = {"model", "served_model_name", "distributed_executor_backend"}
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")


class VLLMConfigError(ConfigError):
    """A one-line error about configs/vllm_models.yaml or a model directory it names (exit 2 from the CLI)."""


class Autoscaling(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_replicas: int = Field(default=1, ge=0, description="Fewest replicas; 0 lets Serve scale the model to zero.")
    max_replicas: int = Field(default=1, ge=1, description="Most replicas.")
    # Serve LLM's default is 1e9, which never adds a replica; 32 chats in flight per replica
    # keeps vLLM's batches full while a second replica still comes up under load.
    target_ongoing_requests: float = Field(default=32, gt=0, description="Requests in flight per replica that Serve aims for.")

    @model_validator(mode="after")
    def _ordered(self) -> Autoscaling:
        if self.max_replicas < self.min_replicas:
            raise ValueError(f"max_replicas {self.max_replicas} is below min_replicas {self.min_replicas}")
        return self


class VLLMEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Model name, with or without the vllm_ prefix, e.g. vllm_Qwen2-7B-Instruct.")
    model_path: str = Field(description="Directory of the Hugging Face model (config.json, weights); relative: to the YAML file.")
    tokenizer_path: str | None = Field(default=None, description="Tokenizer directory; default: model_path.")
    description: str = Field(default="", description="Free text shown by `arena models`.")
    accelerator_type: str | None = Field(default=None, description="Ray accelerator type, e.g. H100; ignored on CPU.")
    tensor_parallel_size: int = Field(default=1, ge=1, description="GPUs per replica, all on one node.")
    num_replicas: int | None = Field(default=None, ge=1, description="Fixed number of replicas; default 1 unless autoscaling is set.")
    autoscaling: Autoscaling | None = Field(default=None, description="Replica range and load target; excludes num_replicas.")
    max_model_len: int | None = Field(default=None, ge=1, description="Context length in tokens; default: the model's.")
    gpu_memory_utilization: float | None = Field(
        default=None, gt=0, le=1, description="Share of GPU memory (of host RAM on CPU) vLLM may take; default: vLLM's on GPU, 0.15 on CPU."
    )
    dtype: Literal["auto", "half", "float16", "bfloat16", "float", "float32"] | None = Field(
        default=None, description="Weight and activation dtype; default: the model's own (vLLM 'auto')."
    )
    engine_metrics: bool = Field(
        default=False,
        description="Export vLLM's engine metrics (vllm:* series) on Ray's Prometheus endpoint; costs replica CPU on every request.",
    )
    engine_kwargs: dict[str, Any] = Field(default_factory=dict, description="Other vLLM engine arguments, e.g. enforce_eager.")

    @field_validator("name")
    @classmethod
    def _has_id(cls, value: str) -> str:
        if not value.removeprefix(PREFIX):
            raise ValueError(f"'{value}' names no model after the vllm_ prefix")
        return value

    @field_validator("engine_kwargs")
    @classmethod
    def _no_shadowing(cls, value: dict[str, Any]) -> dict[str, Any]:
        # An error, not a silent override: two places for one setting is how configs drift.
        if own := sorted(OWN_FIELDS & value.keys()):
            key = "tokenizer_path" if own[0] == "tokenizer" else own[0]
            raise ValueError(f"{own[0]} has its own key in the entry ({key}); move it out of engine_kwargs")
        if serve := sorted(SET_BY_SERVE & value.keys()):
            raise ValueError(f"{serve[0]} is set by Ray Serve LLM from model_path and name; remove it")
        return value

    @model_validator(mode="after")
    def _one_replica_policy(self) -> VLLMEntry:
        if self.num_replicas is not None and self.autoscaling is not None:
            raise ValueError("set num_replicas or autoscaling, not both")
        return self

    @property
    def model_id(self) -> str:
        """The id Serve exposes (the OpenAI `model` field): the name without vllm_."""
        return self.name.removeprefix(PREFIX)

    @property
    def arena_name(self) -> str:
        return PREFIX + self.model_id

    @property
    def deployment_name(self) -> str:
        """The name we give its Serve deployment (backends/vllm/serve_config.py)."""
        return deployment_name(self.model_id)


def deployment_name(model_id: str) -> str:
    """The name of a model's Serve deployment, set explicitly in its LLMConfig.deployment_config.
    A '/' would read as a path in Serve's routes and logs, so it becomes '--'."""
    return "arena-" + model_id.replace("/", "--")


class VLLMModelsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    models: list[VLLMEntry] = Field(default_factory=list, description="Self-hosted models that may play.")


def _resolve(entry: VLLMEntry, base: Path) -> VLLMEntry:
    def absolute(p: str) -> str:
        path = Path(p).expanduser()
        return str(path if path.is_absolute() else (base / path).resolve())

    tokenizer = entry.tokenizer_path or entry.model_path
    return entry.model_copy(update={"model_path": absolute(entry.model_path), "tokenizer_path": absolute(tokenizer)})


def read_vllm_models(path: str | Path) -> VLLMModelsFile:
    """The file's entries with absolute paths; read once per run (backends/files.py)."""
    return read_once(path, _parse)


def _parse(path: Path) -> VLLMModelsFile:
    if not path.is_file():
        raise VLLMConfigError(f"{path}: no such models file; give the path of an existing file")
    try:
        models = VLLMModelsFile.model_validate(yaml.safe_load(path.read_text()) or {})
    except (yaml.YAMLError, ValidationError) as e:
        first = e.errors()[0] if isinstance(e, ValidationError) else None
        message = str(first["msg"]).removeprefix("Value error, ") if first else ""
        detail = f"{'.'.join(map(str, first['loc']))}: {message}" if first else str(e).splitlines()[0]
        raise VLLMConfigError(f"{path}: {detail}") from None
    base = path.resolve().parent
    return VLLMModelsFile(models=[_resolve(m, base) for m in models.models])


def find_vllm_entry(models: VLLMModelsFile, name: str, path: str | Path) -> VLLMEntry:
    """The entry of an arena model name (vllm_...), or an error naming the file to edit."""
    wanted = name.removeprefix(PREFIX)
    for entry in models.models:
        if entry.model_id == wanted:
            return entry
    raise VLLMConfigError(f"model '{name}' is not listed in {path}; add it under 'models:' with its model_path")


def check_model_dir(entry: VLLMEntry, file_path: str | Path) -> VLLMEntry:
    """The entry with absolute paths, once its model and tokenizer directories look loadable.

    Run it where the weights must be (the driver on one machine; skip it when only GPU nodes
    hold them). It catches a wrong path in a second instead of after a replica's start-up.
    """
    entry = _resolve(entry, Path(file_path).resolve().parent)
    where = f"{file_path}: {entry.name}"
    for key, needed in (("model_path", ("config.json",)), ("tokenizer_path", TOKENIZER_FILES)):
        directory = Path(getattr(entry, key))
        if not directory.exists():
            raise VLLMConfigError(f"{where}: {key} {directory} does not exist")
        if not directory.is_dir():
            raise VLLMConfigError(f"{where}: {key} {directory} is not a directory")
        if not any((directory / f).is_file() for f in needed):
            raise VLLMConfigError(f"{where}: {key} {directory} has no {' or '.join(needed)}")
    return entry
