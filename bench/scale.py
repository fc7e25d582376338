"""Scale: a round robin of 20 scripted players over 5 games on a local 3-node Ray cluster (a head that
runs no episodes and two worker nodes, `ray start` processes on this machine).

The driver joins the cluster from its own process (so its peak RSS is its own) and plays about
10,000 and then about 100,000 episodes (episodes_per_pairing must be even: 10 and 106 give 9,500 and
100,700). Reports throughput and the driver's peak RSS for each, to show memory stays flat.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

from _common import ROOT, emit, run_child

sys.path.insert(0, str(ROOT / "tests" / "cluster"))
# Turn-taking games: the MCTS players cannot play simultaneous-move ones.
GAMES = [{"name": "tic_tac_toe"}, {"name": "connect_four"}, {"name": "kuhn_poker"}, {"name": "nim"},
         {"name": "hex", "params": {"board_size": 5}}]


def config(episodes_per_pairing: int, output_dir: str) -> dict:
    players = [{"type": "random", "name": f"random_{i:02d}"} for i in range(16)]
    players += [{"type": "mcts", "name": f"mcts_{s}", "simulations": s} for s in (2, 4, 8, 16)]
    return {"name": f"scale_{episodes_per_pairing}", "output_dir": output_dir, "games": GAMES,
            "players": players, "episodes_per_pairing": episodes_per_pairing}


def child(address: str, episodes_per_pairing: int, output_dir: str) -> None:
    import resource

    import pyarrow.parquet as pq

    from arena.config.models import Tournament
    from arena.schedule import count
    from backends.plan import prepare
    from cluster.driver import run_tournament
    from cluster.ray_session import connect

    t = Tournament.model_validate(config(episodes_per_pairing, output_dir))
    connect(address)
    summary = run_tournament(t, prepare(t, use_ray=True), show_progress=False)
    rows = sum(pq.ParquetFile(f).metadata.num_rows for f in (summary.root / "episodes").glob("part-*"))
    emit({"scheduled": count(t), "played": summary.played, "errors": summary.errors, "episode_rows": rows,
          "seconds": summary.seconds, "driver_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def main() -> None:
    from multinode import LocalCluster

    cores = os.cpu_count() or 1
    started = time.perf_counter()
    print(f"scale: starting a 3-node local cluster (head 0 CPUs, 2 workers of {cores} logical CPUs) ...", flush=True)
    cluster = LocalCluster(head_cpus=0, workers=(cores, cores))
    os.environ.update({k: v for k, v in cluster.env.items() if k.startswith("RAY_")})
    figures = {"cluster_start_s": round(time.perf_counter() - started, 1), "nodes": 3}
    try:
        with tempfile.TemporaryDirectory() as out:
            for epp in (10, 106):
                print(f"  round robin, 20 players x 5 games, {epp} episodes per pairing ...", flush=True)
                r = run_child(__file__, cluster.address, str(epp), out)
                assert r["episode_rows"] == r["scheduled"] == r["played"] and r["errors"] == 0, r
                rate = r["played"] / r["seconds"]
                print(f"  {r['played']:,} episodes in {r['seconds']:.1f} s = {rate:,.0f} episodes/s, driver peak RSS "
                      f"{r['driver_peak_rss_mb']:.0f} MB", flush=True)
                key = f"{r['played']}"
                figures[f"episodes_per_s_{key}"] = round(rate, 1)
                figures[f"seconds_{key}"] = round(r["seconds"], 1)
                figures[f"driver_peak_rss_mb_{key}"] = round(r["driver_peak_rss_mb"], 1)
    finally:
        cluster.shutdown()
    small, large = (figures[f"driver_peak_rss_mb_{n}"] for n in ("9500", "100700"))
    figures["rss_growth_ratio_100k_vs_10k"] = round(large / small, 3)
    emit(figures)


if __name__ == "__main__":
    if len(sys.argv) > 4 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        main()
