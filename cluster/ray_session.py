"""Join a reachable Ray cluster, or start an embedded one."""

from __future__ import annotations

import logging
import os

import ray


def connect(address: str | None, num_cpus: int | None = None, log_level: str = "WARNING") -> str:
    """Join `address` (or RAY_ADDRESS); otherwise start an embedded Ray. Returns how it connected."""
    if ray.is_initialized():
        return "already connected"
    # Ray's own INFO lines would bury the progress bar; only DEBUG asks for them.
    ray_level = logging.DEBUG if log_level == "DEBUG" else logging.WARNING
    quiet = dict(logging_level=ray_level, log_to_driver=True, configure_logging=True)
    if address:
        ray.init(address=address, **quiet)
        return f"joined {address}"
    if os.environ.get("RAY_ADDRESS"):
        ray.init(**quiet)
        return f"joined {os.environ['RAY_ADDRESS']}"
    # Never address="auto" implicitly: it also finds another process's embedded Ray,
    # whose exit would then kill this run. `--address auto` asks for it explicitly.
    # vLLM's INFO lines (imported by every process that builds a request) likewise.
    env = {"env_vars": {"VLLM_LOGGING_LEVEL": "DEBUG" if log_level == "DEBUG" else "WARNING"}}
    ray.init(address="local", num_cpus=num_cpus, include_dashboard=False, runtime_env=env, **quiet)
    return "embedded"


def cluster_cpus() -> int:
    return max(1, int(ray.cluster_resources().get("CPU", 1)))
