"""vLLM batching on CPU: the tiny model on Ray Serve, LLM vs random tic_tac_toe, at 1 and at 64
concurrent episodes on one deployment, for answers of 4, 32 and 64 tokens (a real model's JSON
answer with a short reasoning is 30-60 tokens; BENCH_ANSWER_TOKENS=4,32 changes the list).
The model answers garbage; illegal answers are re-prompted and then replaced by a flagged random
move, so every episode runs to its end and every model call is a request. A warm-up run first,
so worker start-up is not measured.

Reports requests/s at each and the mean number of requests in the deployment, by Little's law
(requests/s x mean request latency): with vLLM's default of up to 256 running sequences nothing
waits at 64, so that is the mean number vLLM had running. Target: >= 10x the single-episode rate.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, emit

TINY = ROOT / "models" / "tiny-llama"
ANSWER_TOKENS = [int(n) for n in os.environ.get("BENCH_ANSWER_TOKENS", "4,32,64").split(",")]


def tournament(tmp: str, name: str, episodes: int, concurrency: int, models: Path, max_tokens: int = 4):
    from arena.config.models import Tournament

    tasks = 1 if concurrency == 1 else 2
    return Tournament.model_validate({
        "name": name, "output_dir": tmp, "vllm_models": str(models), "games": [{"name": "tic_tac_toe"}],
        "players": [{"type": "llm", "model": "vllm_tiny", "max_tokens": max_tokens,
                     "on_illegal": "random"},
                    {"type": "random"}],
        "format": "match", "num_episodes": episodes, "episode_concurrency": concurrency // tasks,
        "shard_size": episodes // tasks, "max_in_flight": tasks,
    })


def measure(t) -> dict:
    from arena.results import load
    from backends.plan import prepare
    from cluster.driver import run_tournament

    summary = run_tournament(t, prepare(t, use_ray=True), show_progress=False)
    moves = load(summary.root).moves
    asked = moves[(moves.player == "vllm_tiny") & (moves.fallback == "")]
    rate = len(asked) / summary.seconds
    return {"requests": len(asked), "seconds": round(summary.seconds, 2), "requests_per_s": round(rate, 1),
            "mean_latency_s": round(float(asked.latency_s.mean()), 4),
            "mean_in_deployment": round(rate * float(asked.latency_s.mean()), 1),
            "errors": summary.errors}


def main() -> None:
    import ray

    from arena.config.models import ServeSettings
    from cluster import serve_app
    from cluster.ray_session import connect

    if not (TINY / "config.json").exists():
        subprocess.run([sys.executable, "-m", "backends.tiny_model", str(TINY)], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        models = Path(tmp) / "vllm_models.yaml"
        models.write_text(f"models:\n  - name: vllm_tiny\n    model_path: {TINY}\n    max_model_len: 2048\n"
                          "    engine_kwargs: {enforce_eager: true}\n")
        connect(None, num_cpus=(os.cpu_count() or 1) + 5)
        settings = ServeSettings(app_name="arena-bench")
        print("vllm_batching: deploying the tiny model on Ray Serve (CPU) ...", flush=True)
        started = time.perf_counter()
        serve_app.deploy(serve_app.vllm_entries(tournament(tmp, "x", 2, 1, models)), settings,
                         on_progress=lambda line: print(" ", line, flush=True))
        figures = {"deploy_s": round(time.perf_counter() - started, 1)}
        measure(tournament(tmp, "warmup", 16, 64, models).model_copy(update={"serve": settings}))
        for max_tokens in ANSWER_TOKENS:
            for concurrency, episodes in ((1, 20), (64, 256)):
                print(f"answers of {max_tokens} tokens: {episodes} episodes, {concurrency} concurrent ...", flush=True)
                t = tournament(tmp, f"t{max_tokens}c{concurrency}", episodes, concurrency, models, max_tokens)
                r = measure(t.model_copy(update={"serve": settings}))
                print(f"  {r['requests']} requests in {r['seconds']} s: {r['requests_per_s']} requests/s, mean "
                      f"latency {r['mean_latency_s'] * 1000:.0f} ms, {r['mean_in_deployment']} requests in vLLM on "
                      "average", flush=True)
                figures[f"tokens_{max_tokens}_concurrent_{concurrency}"] = r
            speedup = (figures[f"tokens_{max_tokens}_concurrent_64"]["requests_per_s"]
                       / figures[f"tokens_{max_tokens}_concurrent_1"]["requests_per_s"])
            figures[f"tokens_{max_tokens}_speedup_64_vs_1"] = round(speedup, 1)
            print(f"  answers of {max_tokens} tokens, 64 concurrent episodes: {speedup:.1f}x the single-episode "
                  "request rate", flush=True)
        serve_app.remove(settings)
        ray.shutdown()
    emit(figures)


if __name__ == "__main__":
    main()
