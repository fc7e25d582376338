"""LiteLLM throughput: server latency 200 ms, no limit, LLM vs random tic_tac_toe.

Reports episodes/min and requests/s of the tournament (with 1 and 2 gateway actors),
and, in the same run, requests/s of bare `litellm.acompletion` calls at the same
concurrency from one process: the ceiling LiteLLM itself sets on this machine.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, emit, play, run_child

sys.path.insert(0, str(ROOT / "tests" / "backends"))
from openai_server import start_server  # noqa: E402

LATENCY_MS, CONCURRENCY, EPISODES, BARE_REQUESTS = 200, 256, 1000, 4000
BGA_EPISODES_PER_MIN = 55


def bare_ceiling(url: str) -> float:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.suppress_debug_info = True
    messages = [{"role": "user", "content": 'Your move.\nLegal moves: ["a1", "b2", "c3"]'}]
    remaining = iter(range(BARE_REQUESTS))

    async def worker() -> None:
        for _ in remaining:
            await litellm.acompletion(model="openai/test-model", api_base=url, api_key="sk-none", messages=messages,
                                      max_tokens=20, num_retries=0, max_retries=0, timeout=60)

    async def main() -> float:
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return BARE_REQUESTS / (time.perf_counter() - started)

    return asyncio.run(main())


def child(url: str, gateways: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        models = Path(tmp) / "models.yaml"
        models.write_text(f"models:\n  - name: litellm_openai/test-model\n    api_base: {url}\n")
        tasks = os.cpu_count() or 1
        r = play({
            "name": "bench_litellm", "games": [{"name": "tic_tac_toe"}], "litellm_models": str(models),
            "players": [{"type": "llm", "model": "litellm_openai/test-model", "max_tokens": 20}, {"type": "random"}],
            "episodes_per_pairing": EPISODES, "episode_concurrency": CONCURRENCY // tasks,
            "shard_size": EPISODES // tasks, "max_in_flight": tasks,
            "providers": {"openai": {"max_concurrency": CONCURRENCY, "gateways": gateways}},
        }, keep_moves=True)
    moves = r.pop("moves")
    r["requests"] = int(((moves.player == "litellm_openai/test-model") & moves.fallback.isna()).sum())
    emit(r)


def main() -> None:
    figures: dict = {"latency_ms": LATENCY_MS, "concurrency": CONCURRENCY, "episodes": EPISODES}
    with start_server(latency_ms=LATENCY_MS) as server:
        print(f"litellm_throughput: bare litellm.acompletion, {CONCURRENCY} concurrent, {BARE_REQUESTS} requests ...",
              flush=True)
        ceiling = bare_ceiling(server.url)
        print(f"  ceiling {ceiling:,.0f} requests/s (bound {CONCURRENCY / (LATENCY_MS / 1000):,.0f}/s)", flush=True)
        figures["bare_requests_per_s"] = round(ceiling, 1)
        runs = {}
        for gateways in (1, 2, 3):
            print(f"tournament: {EPISODES} LLM-vs-random episodes, {gateways} gateway actor(s) ...", flush=True)
            runs[gateways] = run_child(__file__, server.url, str(gateways))
        # The machine drifts over minutes: the ceiling is measured again and averaged.
        again = bare_ceiling(server.url)
        ceiling = (ceiling + again) / 2
        print(f"bare litellm.acompletion again: {again:,.0f} requests/s; mean ceiling {ceiling:,.0f}/s", flush=True)
        figures.update(bare_requests_per_s_after=round(again, 1), ceiling_requests_per_s=round(ceiling, 1))
        for gateways, r in runs.items():
            rps, epm = r["requests"] / r["seconds"], r["played"] / r["seconds"] * 60
            print(f"tournament, {gateways} gateway actor(s):", flush=True)
            print(f"  {rps:,.0f} requests/s = {rps / ceiling:.0%} of the ceiling; {epm:,.0f} episodes/min "
                  f"= {epm / BGA_EPISODES_PER_MIN:,.0f}x Board Game Arena's {BGA_EPISODES_PER_MIN}", flush=True)
            assert r["errors"] == 0, r
            figures[f"gateways_{gateways}"] = {
                "requests_per_s": round(rps, 1), "fraction_of_bare": round(rps / ceiling, 3),
                "episodes_per_min": round(epm, 1), "x_board_game_arena": round(epm / BGA_EPISODES_PER_MIN, 1),
                "seconds": round(r["seconds"], 2)}
    emit(figures)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]))
    else:
        main()
