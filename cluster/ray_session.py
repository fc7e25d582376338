"""Join a reachable Ray cluster, or start an embedded one."""

from __future__ import annotations

import logging
import os
import sys


def choose_embedded_auth(address: str | None) -> None:
    """Token authentication for an embedded Ray, chosen here rather than left to Ray's default (the same
    choice, announced with a warning on every start): its ports are reachable from the network like any
    Ray's. A RAY_AUTH_MODE the user set (e.g. disabled) is kept. Must run before Ray is imported: Ray
    reads the mode once, at import."""
    if "ray" in sys.modules:  # too late to choose (a caller that imported Ray itself): Ray's default applies
        return
    if not (address or os.environ.get("RAY_ADDRESS")):
        os.environ.setdefault("RAY_AUTH_MODE", "token")


def connect(address: str | None, num_cpus: int | None = None, log_level: str = "WARNING") -> str:
    """Join `address` (or RAY_ADDRESS); otherwise start an embedded Ray. Returns how it connected."""
    import ray

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
    import ray

    return max(1, int(ray.cluster_resources().get("CPU", 1)))
