"""Model-latency-bound throughput: LLM (simulated, fixed 200 ms) vs random on tic_tac_toe, 512 episodes in flight.

Achieved requests/s is compared with the concurrency bound (in-flight / latency).
"""

from __future__ import annotations

import os
import sys

from _common import emit, play, run_child

LATENCY_MS = 200
IN_FLIGHT = 512
EPISODES = 8192


def config() -> dict:
    tasks = os.cpu_count() or 1  # one task per CPU runs at once; each keeps IN_FLIGHT/tasks episodes going
    return {
        "name": "bench_latency", "games": [{"name": "tic_tac_toe"}],
        "players": [{"type": "llm", "model": "simulated_200ms", "backend_options": {"latency_ms": LATENCY_MS}},
                    {"type": "random"}],
        "episodes_per_pairing": EPISODES, "episode_concurrency": IN_FLIGHT // tasks,
        "shard_size": EPISODES // tasks, "max_in_flight": tasks,
    }


def child() -> None:
    r = play(config(), keep_moves=True)
    moves = r.pop("moves")
    requests = int(((moves.player == "simulated_200ms") & moves.fallback.isna()).sum())
    assert r["errors"] == 0 and r["episode_rows"] == EPISODES, r
    emit({**r, "requests": requests})


def main() -> None:
    print(f"latency: {EPISODES} tic_tac_toe episodes, LLM at {LATENCY_MS} ms vs random, {IN_FLIGHT} in flight ...",
          flush=True)
    r = run_child(__file__)
    bound = IN_FLIGHT / (LATENCY_MS / 1000)
    achieved = r["requests"] / r["seconds"]
    print(f"  {r['requests']:,} requests in {r['seconds']:.1f} s: {achieved:,.0f} requests/s "
          f"= {achieved / bound:.0%} of the bound {bound:,.0f}/s", flush=True)
    emit({"requests": r["requests"], "seconds": round(r["seconds"], 2), "requests_per_s": round(achieved, 1),
          "bound_requests_per_s": bound, "fraction_of_bound": round(achieved / bound, 3),
          "episodes_per_min": round(r["played"] / r["seconds"] * 60, 1), "latency_ms": LATENCY_MS,
          "in_flight": IN_FLIGHT})


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child()
    else:
        main()
