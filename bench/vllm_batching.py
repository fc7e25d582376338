"""vLLM batching on CPU: the tiny model on Ray Serve, LLM vs random tic_tac_toe, at 1 and at 64
concurrent episodes on one deployment, for answers of 4, 32 and 64 tokens (a real model's JSON
answer with a short reasoning is 30-60 tokens; BENCH_ANSWER_TOKENS=4,32 changes the list).
The model answers garbage; illegal answers are re-prompted and then replaced by a flagged random
move, so every episode runs to its end and every model call is a request. A warm-up run first,
so worker start-up is not measured.

Reports requests/s at each and the mean number of requests in the deployment, by Little's law
(requests/s x mean request latency): with vLLM's default of up to 256 running sequences nothing
waits at 64, so that is the mean number vLLM had running. Target: >= 10x the single-episode rate.

Then, to show where the batching gain goes, the same tic_tac_toe prompt with LAYER_TOKENS-token
answers at 1 and 64 concurrent callers without episodes: through the Serve handle (the replica's
OpenAI chat layer and Ray Serve, as the players call it), and, after the deployment is removed,
vLLM's engine alone (AsyncLLM in this process, the prompt already rendered).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, emit

TINY = ROOT / "models" / "tiny-llama"
LAYER_TOKENS = 32
LAYER_SECONDS = 10.0
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
    asked = moves[(moves.player == "vllm_tiny") & moves.fallback.isna()]
    rate = len(asked) / summary.seconds
    return {"requests": len(asked), "seconds": round(summary.seconds, 2), "requests_per_s": round(rate, 1),
            "mean_latency_s": round(float(asked.latency_s.mean()), 4),
            "mean_in_deployment": round(rate * float(asked.latency_s.mean()), 1),
            "errors": summary.errors}


def first_prompt():
    from arena.agents.prompts import build_messages
    from arena.games.registry import load_game

    game = load_game("tic_tac_toe")
    state = game.spiel.new_initial_state()
    return build_messages(game, state, 0, [label for _, label in game.renderer.legal_moves(state, 0)])


async def callers_rate(call, concurrency: int, seconds: float) -> float:
    """Requests/s of `concurrency` callers each awaiting `call(n)` back to back for `seconds`."""
    started, done = time.perf_counter(), 0

    async def caller(c: int) -> None:
        nonlocal done
        n = 0
        while time.perf_counter() - started < seconds:
            await call(c * 1_000_000 + n)  # distinct requests: no cache can answer one from another
            n, done = n + 1, done + 1

    await asyncio.gather(*(caller(c) for c in range(concurrency)))
    return done / (time.perf_counter() - started)


async def layer_rates(call) -> dict:
    await callers_rate(call, 8, 2.0)  # warm-up
    one = await callers_rate(call, 1, LAYER_SECONDS)
    many = await callers_rate(call, 64, LAYER_SECONDS)
    return {"concurrent_1_per_s": round(one, 1), "concurrent_64_per_s": round(many, 1),
            "speedup_64_vs_1": round(many / one, 1)}


def serve_handle_rates(app_name: str) -> dict:
    from ray import serve
    from vllm.entrypoints.openai.chat_completion.protocol import ChatCompletionRequest

    system, user = first_prompt()
    from backends.vllm.call import VLLMCall

    handle = serve.get_deployment_handle(VLLMCall("vllm_tiny", app_name).deployment(), app_name=app_name).options(
        stream=True)

    async def call(n: int) -> None:
        messages = [system, {**user, "content": f"{user['content']}\n({n})"}]
        request = ChatCompletionRequest(model="tiny", messages=messages, max_tokens=LAYER_TOKENS, temperature=0.0,
                                        ignore_eos=True)
        [r async for r in handle.chat.remote(request)]

    return asyncio.run(layer_rates(call))


def engine_rates() -> dict:
    from transformers import AutoTokenizer
    from vllm import SamplingParams
    from vllm.engine.arg_utils import AsyncEngineArgs
    from vllm.v1.engine.async_llm import AsyncLLM

    prompt = AutoTokenizer.from_pretrained(TINY).apply_chat_template(first_prompt(), add_generation_prompt=True,
                                                                      tokenize=False)
    params = SamplingParams(max_tokens=LAYER_TOKENS, temperature=0.0, ignore_eos=True)

    async def run() -> dict:
        engine = AsyncLLM.from_engine_args(AsyncEngineArgs(model=str(TINY), max_model_len=2048, enforce_eager=True,
                                                           gpu_memory_utilization=0.15))
        try:
            async def call(n: int) -> None:
                async for _ in engine.generate(f"{prompt}({n})", params, request_id=f"r{n}-{time.monotonic_ns()}"):
                    pass

            return await layer_rates(call)
        finally:
            engine.shutdown()

    return asyncio.run(run())


def main() -> None:
    import ray

    from arena.config.models import ServeSettings
    from cluster import serve_app
    from cluster.ray_session import connect

    if not (TINY / "config.json").exists():
        subprocess.run([sys.executable, "-m", "backends.vllm.tiny_model", str(TINY)], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        models = Path(tmp) / "vllm_models.yaml"
        models.write_text(f"models:\n  - name: vllm_tiny\n    model_path: {TINY}\n    max_model_len: 2048\n"
                          "    engine_kwargs: {enforce_eager: true}\n")
        connect(None, num_cpus=(os.cpu_count() or 1) + 5)
        settings = ServeSettings(app_name="arena-bench")
        print("vllm_batching: deploying the tiny model on Ray Serve (CPU) ...", flush=True)
        started = time.perf_counter()
        serve_app.deploy(serve_app.vllm_entries(tournament(tmp, "x", 2, 1, models)), settings,
                         on_progress=lambda line, waiting: print(" ", line, flush=True))
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
        print(f"layers, answers of {LAYER_TOKENS} tokens, no episodes: the Serve handle ...", flush=True)
        figures["serve_handle"] = serve_handle_rates(settings.app_name)
        print(f"  {figures['serve_handle']}", flush=True)
        serve_app.remove(settings)
        ray.shutdown()
    print("layers: vLLM's engine alone (AsyncLLM in this process) ...", flush=True)
    figures["engine_alone"] = engine_rates()
    print(f"  {figures['engine_alone']}", flush=True)
    emit(figures)


if __name__ == "__main__":
    main()
