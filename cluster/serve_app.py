"""The Ray Serve application of a tournament's vllm_* models: deploy, wait until healthy, remove."""

from __future__ import annotations

import concurrent.futures
import logging
import time

import ray

from arena.config.models import LLMPlayer, ServeSettings, Tournament
from backends.vllm.models import PREFIX, VLLMEntry, check_model_dir, find_vllm_entry, read_vllm_models

log = logging.getLogger(__name__)


class ServeError(RuntimeError):
    pass


def vllm_entries(t: Tournament) -> list[VLLMEntry]:
    models = read_vllm_models(t.vllm_models)
    names = dict.fromkeys(p.model for p in t.players if isinstance(p, LLMPlayer) and p.model.startswith(PREFIX))
    return [check_model_dir(find_vllm_entry(models, name, t.vllm_models), t.vllm_models) for name in names]


def gpus_in_cluster() -> float:
    return ray.cluster_resources().get("GPU", 0.0)


def import_serving() -> None:
    """Ray Serve LLM and vLLM: imported ahead of deploy() where the caller wants their import-time logs."""
    import ray.serve.llm  # noqa: F401

    import backends.vllm.serve_config  # noqa: F401


def _print_progress(line: str, waiting: bool) -> None:
    print(line, flush=True)


def deploy(entries: list[VLLMEntry], settings: ServeSettings, on_progress=_print_progress) -> None:
    """One application for all the models; returns once every replica is healthy. `on_progress(line, waiting)`
    hears of the wait (waiting=True) and of its end."""
    from ray import serve
    from ray.serve.llm import build_openai_app

    from backends.vllm.serve_config import llm_config  # needs vLLM importable: only when serving

    gpu = gpus_in_cluster() > 0
    for e in entries:
        if (e.accelerator_type or e.tensor_parallel_size > 1) and not gpu:
            raise ServeError(f"{e.name} asks for GPUs (accelerator_type={e.accelerator_type}, tensor_parallel_size="
                             f"{e.tensor_parallel_size}) but the cluster has none; remove those settings to run on CPU")
    if not log.isEnabledFor(logging.DEBUG):
        logging.getLogger("ray.serve").setLevel(logging.WARNING)  # the driver's own "Deployment Options" dump
    app = build_openai_app({"llm_configs": [llm_config(e, gpu_available=gpu) for e in entries]})
    # Serve's own INFO lines and per-request access log would bury the progress bar; they stay in
    # the Serve log files under the Ray session folder.
    quiet = {"log_level": "WARNING", "enable_access_log": False}
    serve.start(http_options={"host": settings.host, "port": settings.port}, logging_config=quiet)
    route = f"/{settings.app_name}" if settings.openai_route else None
    # serve.run returns only once the app is up; in a thread, so this one can report progress and time out.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        running = pool.submit(serve.run, app, name=settings.app_name, route_prefix=route, logging_config=quiet)
        wait_healthy(settings, on_progress)
        running.result(timeout=settings.ready_timeout_s)


def wait_healthy(settings: ServeSettings, on_progress=_print_progress) -> None:
    from ray import serve

    started, reported = time.monotonic(), ("", -1.0)
    while True:
        app = serve.status().applications.get(settings.app_name)
        state = app.status.value if app else "NOT_STARTED"
        waited = time.monotonic() - started
        if state == "RUNNING":
            on_progress(f"serve: {settings.app_name} is healthy after {waited:.0f} s", waiting=False)
            return
        if state in ("DEPLOY_FAILED", "UNHEALTHY"):
            raise ServeError(f"serve application {settings.app_name} {state.lower()}: {(app.message or '')[:500]}")
        if waited > settings.ready_timeout_s:
            raise ServeError(f"serve application {settings.app_name} not healthy after {waited:.0f} s ({state}); "
                             "check `ray status` for resources the replicas are waiting for")
        if state != reported[0] or waited - reported[1] >= 15:  # on every change, else every 15 s
            on_progress(f"serve: waiting for {settings.app_name} ({state}, {waited:.0f} s)", waiting=True)
            reported = (state, waited)
        time.sleep(1.0)


def running(settings: ServeSettings) -> bool:
    from ray import serve

    try:
        app = serve.status().applications.get(settings.app_name)
    except Exception:  # noqa: BLE001 - no Serve instance on this cluster yet
        return False
    return bool(app and app.status.value == "RUNNING")


def remove(settings: ServeSettings) -> None:
    from ray import serve

    serve.delete(settings.app_name)
