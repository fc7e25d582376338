"""Cluster-wide rate limit: R requests per window across several Ray worker processes.

The window is scaled down (2 s instead of 60 s) so the run takes about a minute. The
fake OpenAI server counts arrivals per window. Target: no window above R, and at least
95% of R on average once warmed up (first and last windows left out).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _common import ROOT, emit, play

sys.path.insert(0, str(ROOT / "tests" / "backends"))
from openai_server import start_server  # noqa: E402

LIMIT, WINDOW_S, LATENCY_MS, EPISODES = 40, 2.0, 50, 300


def main() -> None:
    print(f"rate_limit: {LIMIT} requests per {WINDOW_S:.0f} s window, 2 gateway actors, tasks on every CPU, "
          f"server latency {LATENCY_MS} ms, {EPISODES} LLM-vs-random episodes ...", flush=True)
    with start_server(latency_ms=LATENCY_MS) as server, tempfile.TemporaryDirectory() as tmp:
        models = Path(tmp) / "models.yaml"
        models.write_text(f"models:\n  - name: litellm_openai/test-model\n    api_base: {server.url}\n")
        r = play({
            "name": "bench_rate_limit", "games": [{"name": "tic_tac_toe"}], "litellm_models": str(models),
            "players": [{"type": "llm", "model": "litellm_openai/test-model"}, {"type": "random"}],
            "episodes_per_pairing": EPISODES, "shard_size": 20, "episode_concurrency": 20,
            "providers": {"openai": {"rpm": LIMIT, "window_s": WINDOW_S, "gateways": 2}},
        })
        stats = server.stats(window_s=WINDOW_S)
    windows = stats["windows"]
    busy = [w for w in windows if w > 0]
    steady = busy[1:-1]
    mean = sum(steady) / len(steady)
    print(f"  {stats['total']} requests in {r['seconds']:.1f} s; per window: {windows}", flush=True)
    print(f"  max per window {max(windows)} (limit {LIMIT}), max in any sliding {WINDOW_S:.0f} s "
          f"{stats['max_in_sliding_window']}, steady mean {mean:.1f} = {mean / LIMIT:.1%} of the limit", flush=True)
    emit({"limit_per_window": LIMIT, "window_s": WINDOW_S, "requests": stats["total"], "windows": len(busy),
          "max_per_window": max(windows), "max_in_sliding_window": stats["max_in_sliding_window"],
          "steady_mean_per_window": round(mean, 2), "steady_fraction_of_limit": round(mean / LIMIT, 3),
          "never_above_limit": max(windows) <= LIMIT and stats["max_in_sliding_window"] <= LIMIT,
          "episodes": r["played"], "errors": r["errors"]})


if __name__ == "__main__":
    main()
