"""vLLM serving side by side, in one run: the same tournament through the project's Ray Serve path and through
vLLM's own OpenAI server, and vLLM's engine called directly as the ceiling.

The tournament: the tiny random-weight model against `random` at tic-tac-toe, BENCH_EPISODES (default 256)
episodes, 64 in flight at once, answers of up to 32 tokens (the model answers garbage, so illegal answers are
re-prompted and then replaced by a flagged random move: every model call is a request), after a warm-up:
1. Ray Serve: `vllm_tiny` deployed by `cluster/serve_app.py` and called through its handle, as `arena run`
   does; and the same at 1 episode in flight, for the batching gain (`speedup_64_vs_1`);
2. vLLM's server: `python -m vllm.entrypoints.openai.api_server` on a loopback port, the same model and
   engine settings, played by `litellm_hosted_vllm/tiny` players (LiteLLM over HTTP);
3. the engine: vLLM's AsyncLLM in this process, 64 callers sending the tournament's first prompt
   (rendered once) for 32 tokens each, no episodes.

For each: requests/s, mean and p95 latency (of the model calls in the results), and the CPU-seconds per
request of each process group, read from the processes themselves (psutil) before and after the measured
run: the serving process (Serve replica, or the vLLM API server), the engine core (vLLM's EngineCore child
process), the episode workers (Ray workers playing shards), Serve's controller and proxies, the driver.
Last line: one JSON object with `serve_vs_vllm_server` (requests/s of 1 over 2) and `speedup_64_vs_1`.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _common import ROOT, emit

TINY = ROOT / "models" / "tiny-llama"
EPISODES = int(os.environ.get("BENCH_EPISODES", "256"))
CONCURRENCY = 64
ANSWER_TOKENS = 32
ENGINE_SECONDS = 15.0
ENGINE_ARGS = {"max_model_len": 2048, "enforce_eager": True, "gpu_memory_utilization": 0.15}


def tournament(tmp: str, name: str, model: str, episodes: int, concurrency: int, **files):
    from arena.config.models import Tournament

    tasks = 1 if concurrency == 1 else 2
    return Tournament.model_validate({
        "name": name, "output_dir": tmp, "games": [{"name": "tic_tac_toe"}],
        "players": [{"type": "llm", "model": model, "max_tokens": ANSWER_TOKENS, "on_illegal": "random"},
                    {"type": "random"}],
        "format": "match", "num_episodes": episodes, "episode_concurrency": max(1, concurrency // tasks),
        "shard_size": max(1, episodes // tasks), "max_in_flight": tasks,
        "providers": {"hosted_vllm": {"max_concurrency": 256}}, **files,
    })


# --- CPU time per process group -------------------------------------------------------------------

def _group(cmdline: str, serving: set[int], engine: set[int], pid: int) -> str | None:
    if pid == os.getpid():
        return "driver"
    if pid in serving:
        return "serving"
    if pid in engine:
        return "engine_core"
    if "ServeController" in cmdline or "ProxyActor" in cmdline or "ServeReplica" in cmdline:
        return "serve_other"  # the controller, the HTTP proxy, the OpenAI ingress
    if cmdline.startswith("ray::"):
        return "episode_workers"
    return None  # Ray's own daemons and everything else on the machine


def cpu_by_group(serving_pid: int | None) -> dict[str, float]:
    """CPU-seconds (user + system) so far of every process in each group."""
    import psutil

    serving, engine = set(), set()
    if serving_pid is not None:
        serving = {serving_pid}
        try:
            engine = {c.pid for c in psutil.Process(serving_pid).children(recursive=True)}
        except psutil.NoSuchProcess:
            pass
    totals: dict[str, float] = {}
    for p in psutil.process_iter(["pid", "cmdline", "cpu_times"]):
        cmdline = " ".join(p.info["cmdline"] or [])
        group = _group(cmdline, serving, engine, p.info["pid"])
        if group and p.info["cpu_times"] is not None:
            totals[group] = totals.get(group, 0.0) + p.info["cpu_times"].user + p.info["cpu_times"].system
    return totals


def per_request(before: dict[str, float], after: dict[str, float], requests: int) -> dict[str, float]:
    """Milliseconds of CPU per request in each group (processes that ended in between are not counted)."""
    return {g: round(1000 * (after.get(g, 0.0) - before.get(g, 0.0)) / max(requests, 1), 2) for g in sorted(after)}


# --- paths 1 and 2: a tournament ------------------------------------------------------------------

def play(t, serving_pid: int | None) -> dict:
    from arena.results import load
    from backends.plan import prepare
    from cluster.driver import run_tournament

    before = cpu_by_group(serving_pid)
    summary = run_tournament(t, prepare(t, use_ray=True), show_progress=False)
    after = cpu_by_group(serving_pid)
    moves = load(summary.root).moves
    asked = moves[(moves.player == t.players[0].display_name) & moves.fallback.isna()]
    latency = asked.latency_s.astype(float)
    rate = len(asked) / summary.seconds
    return {"requests": len(asked), "seconds": round(summary.seconds, 2), "requests_per_s": round(rate, 1),
            "mean_latency_ms": round(1000 * float(latency.mean()), 1),
            "p95_latency_ms": round(1000 * float(latency.quantile(0.95)), 1), "errors": summary.errors,
            "cpu_ms_per_request": per_request(before, after, len(asked))}


def replica_pid(app_name: str, model_id: str) -> int | None:
    """The process of the model's Serve replica: Ray titles it ray::ServeReplica:<app>:<deployment>."""
    import psutil

    from backends.vllm.models import deployment_name

    wanted = deployment_name(model_id)
    for p in psutil.process_iter(["pid", "cmdline"]):
        cmdline = " ".join(p.info["cmdline"] or [])
        if "ServeReplica" in cmdline and app_name in cmdline and wanted in cmdline:
            return p.info["pid"]
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_vllm_server(port: int, log: Path) -> subprocess.Popen:
    args = [sys.executable, "-m", "vllm.entrypoints.openai.api_server", "--model", str(TINY),
            "--served-model-name", "tiny", "--host", "127.0.0.1", "--port", str(port),
            "--max-model-len", str(ENGINE_ARGS["max_model_len"]), "--enforce-eager",
            "--gpu-memory-utilization", str(ENGINE_ARGS["gpu_memory_utilization"])]
    server = subprocess.Popen(args, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"vLLM's server exited ({server.returncode}); its log: {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2):
                return server
        except OSError:
            time.sleep(1.0)
    server.kill()
    raise SystemExit(f"vLLM's server did not answer within 600 s; its log: {log}")


# --- path 3: the engine alone ---------------------------------------------------------------------

def first_prompt() -> list[dict]:
    from arena.agents.prompts import build_messages
    from arena.games.registry import load_game

    game = load_game("tic_tac_toe")
    state = game.spiel.new_initial_state()
    return build_messages(game, state, 0, [label for _, label in game.renderer.legal_moves(state, 0)])


def engine_alone() -> dict:
    import numpy as np
    from transformers import AutoTokenizer
    from vllm import SamplingParams
    from vllm.engine.arg_utils import AsyncEngineArgs
    from vllm.v1.engine.async_llm import AsyncLLM

    prompt = AutoTokenizer.from_pretrained(TINY).apply_chat_template(first_prompt(), add_generation_prompt=True,
                                                                      tokenize=False)
    params = SamplingParams(max_tokens=ANSWER_TOKENS, temperature=0.0, ignore_eos=True)

    async def run() -> dict:
        engine = AsyncLLM.from_engine_args(AsyncEngineArgs(model=str(TINY), **ENGINE_ARGS))
        latencies: list[float] = []

        async def callers(seconds: float, record: bool) -> float:
            started, done = time.perf_counter(), 0

            async def caller(c: int) -> None:
                nonlocal done
                n = 0
                while time.perf_counter() - started < seconds:
                    t0 = time.perf_counter()
                    async for _ in engine.generate(f"{prompt}({c}-{n})", params, request_id=f"r{c}-{n}-{time.monotonic_ns()}"):
                        pass
                    if record:
                        latencies.append(time.perf_counter() - t0)
                    n, done = n + 1, done + 1

            await asyncio.gather(*(caller(c) for c in range(CONCURRENCY)))
            return done / (time.perf_counter() - started)

        try:
            await callers(3.0, record=False)  # warm-up
            before = cpu_by_group(os.getpid())
            rate = await callers(ENGINE_SECONDS, record=True)
            after = cpu_by_group(os.getpid())
        finally:
            engine.shutdown()
        cpu = per_request(before, after, len(latencies))
        # This process is the serving layer (counted as the driver); its engine core is its child process.
        cpu = {"driver": cpu.get("driver", 0.0), "engine_core": cpu.get("engine_core", 0.0)}
        return {"requests": len(latencies), "requests_per_s": round(rate, 1),
                "mean_latency_ms": round(1000 * float(np.mean(latencies)), 1),
                "p95_latency_ms": round(1000 * float(np.percentile(latencies, 95)), 1), "cpu_ms_per_request": cpu}

    return asyncio.run(run())


def show(label: str, r: dict) -> None:
    cpu = ", ".join(f"{g} {ms}" for g, ms in r["cpu_ms_per_request"].items())
    print(f"  {label}: {r['requests']} requests, {r['requests_per_s']} requests/s, latency mean "
          f"{r['mean_latency_ms']} ms p95 {r['p95_latency_ms']} ms; CPU ms per request: {cpu}", flush=True)


def main() -> None:
    import ray

    from arena.config.models import ServeSettings
    from cluster import serve_app
    from cluster.ray_session import connect

    if not (TINY / "config.json").exists():
        subprocess.run([sys.executable, "-m", "backends.vllm.tiny_model", str(TINY)], check=True)
    figures: dict = {"episodes": EPISODES, "concurrency": CONCURRENCY, "answer_tokens": ANSWER_TOKENS}
    with tempfile.TemporaryDirectory() as tmp:
        vllm_models = Path(tmp) / "vllm_models.yaml"
        vllm_models.write_text(f"models:\n  - name: vllm_tiny\n    model_path: {TINY}\n    max_model_len: 2048\n"
                               "    engine_kwargs: {enforce_eager: true}\n")
        port = free_port()
        litellm_models = Path(tmp) / "litellm_models.yaml"
        litellm_models.write_text(f"models:\n  - name: litellm_hosted_vllm/tiny\n    api_base: http://127.0.0.1:{port}/v1\n")
        connect(None, num_cpus=(os.cpu_count() or 1) + 5)

        print("1. Ray Serve: deploying the tiny model (CPU) ...", flush=True)
        settings = ServeSettings(app_name="arena-serving-bench")
        serve_t = tournament(tmp, "x", "vllm_tiny", 2, 1, vllm_models=str(vllm_models))
        serve_app.deploy(serve_app.vllm_entries(serve_t), settings, on_progress=lambda line, waiting: None)
        pid = replica_pid(settings.app_name, "tiny")
        if pid is None:
            raise SystemExit("no process of the Serve replica found: its CPU time cannot be measured")

        def serve_run(name: str, episodes: int, concurrency: int) -> dict:
            t = tournament(tmp, name, "vllm_tiny", episodes, concurrency, vllm_models=str(vllm_models))
            return play(t.model_copy(update={"serve": settings}), pid)

        serve_run("serve_warmup", 16, CONCURRENCY)
        figures["serve"] = serve_run("serve", EPISODES, CONCURRENCY)
        show(f"Ray Serve, {CONCURRENCY} in flight", figures["serve"])
        figures["serve_1"] = serve_run("serve_1", 16, 1)
        show("Ray Serve, 1 in flight", figures["serve_1"])
        serve_app.remove(settings)

        print("2. vLLM's own OpenAI server, litellm_hosted_vllm players ...", flush=True)
        server = start_vllm_server(port, Path(tmp) / "vllm_server.log")
        try:
            def server_run(name: str, episodes: int) -> dict:
                t = tournament(tmp, name, "litellm_hosted_vllm/tiny", episodes, CONCURRENCY,
                               litellm_models=str(litellm_models))
                return play(t, server.pid)

            server_run("server_warmup", 16)
            figures["vllm_server"] = server_run("vllm_server", EPISODES)
            show(f"vLLM server, {CONCURRENCY} in flight", figures["vllm_server"])
        finally:
            server.terminate()
            server.wait(timeout=60)
        ray.shutdown()

    print("3. vLLM's engine alone (AsyncLLM in this process) ...", flush=True)
    figures["engine"] = engine_alone()
    show(f"engine, {CONCURRENCY} callers", figures["engine"])
    figures["serve_vs_vllm_server"] = round(figures["serve"]["requests_per_s"]
                                            / figures["vllm_server"]["requests_per_s"], 3)
    figures["serve_vs_engine"] = round(figures["serve"]["requests_per_s"] / figures["engine"]["requests_per_s"], 3)
    figures["speedup_64_vs_1"] = round(figures["serve"]["requests_per_s"] / figures["serve_1"]["requests_per_s"], 1)
    print(f"Ray Serve at {figures['serve_vs_vllm_server']:.0%} of vLLM's server (goal >= 90%), "
          f"{figures['serve_vs_engine']:.0%} of the engine alone; 64 vs 1 in flight: {figures['speedup_64_vs_1']}x",
          flush=True)
    emit(figures)


if __name__ == "__main__":
    main()
