"""Engine throughput: random-vs-random tic_tac_toe through the full driver (Ray tasks, all three tables).

Reports episodes/s and the driver's peak RSS for 20,000 and 200,000 scheduled episodes,
each in its own process, to show that driver memory does not grow with the tournament.
"""

from __future__ import annotations

import sys

from _common import emit, play, run_child


def config(episodes: int) -> dict:
    return {
        "name": "bench_engine", "games": [{"name": "tic_tac_toe"}],
        "players": [{"type": "random"}, {"type": "random", "name": "random_b"}],
        "episodes_per_pairing": episodes,
    }


def child(episodes: int) -> None:
    r = play(config(episodes))
    assert r["episode_rows"] == episodes and r["seat_rows"] == 2 * episodes and r["errors"] == 0, r
    emit({k: v for k, v in r.items() if k != "moves"})


def main() -> None:
    figures = {}
    for episodes in (20_000, 200_000):
        print(f"engine: {episodes} random-vs-random tic_tac_toe episodes ...", flush=True)
        r = run_child(__file__, str(episodes))
        rate = r["played"] / r["seconds"]
        print(f"  {rate:,.0f} episodes/s, {r['move_rows']:,} move rows, driver peak RSS {r['driver_peak_rss_mb']:.0f} MB, "
              f"Ray start {r['ray_start_s']:.1f} s (not counted)", flush=True)
        figures[f"episodes_per_s_{episodes}"] = round(rate, 1)
        figures[f"driver_peak_rss_mb_{episodes}"] = round(r["driver_peak_rss_mb"], 1)
        figures[f"seconds_{episodes}"] = round(r["seconds"], 2)
    figures["rss_growth_ratio_200k_vs_20k"] = round(
        figures["driver_peak_rss_mb_200000"] / figures["driver_peak_rss_mb_20000"], 3)
    emit(figures)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
    else:
        main()
