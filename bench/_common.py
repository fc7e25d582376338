"""Shared bits of the benchmarks: run a tournament in a fresh process, report its figures."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run_child(script: str, *args: str) -> dict:
    """Run `script --child args` in a new process (so peak RSS is its own); returns its last-line JSON."""
    out = subprocess.run([sys.executable, script, "--child", *args], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        sys.stderr.write(out.stdout[-3000:] + out.stderr[-3000:])
        raise SystemExit(f"child run failed with exit status {out.returncode}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def play(config: dict, keep_moves: bool = False) -> dict:
    """Embedded Ray, the full driver, results in a temporary folder. Returns timing and driver RSS."""
    import pyarrow.parquet as pq
    import ray

    from arena.config.models import Tournament
    from arena.results import load
    from backends.plan import prepare
    from cluster.driver import run_tournament
    from cluster.ray_session import connect

    with tempfile.TemporaryDirectory() as tmp:
        t = Tournament.model_validate({**config, "output_dir": tmp})
        started = time.perf_counter()
        connect(None, num_cpus=os.cpu_count())
        ray_start_s = time.perf_counter() - started
        summary = run_tournament(t, prepare(t, use_ray=True), show_progress=False)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results = load(summary.root, moves=keep_moves)
        move_rows = sum(pq.ParquetFile(f).metadata.num_rows for f in (summary.root / "moves").glob("part-*"))
        ray.shutdown()
    return {
        "played": summary.played, "errors": summary.errors, "seconds": summary.seconds, "ray_start_s": ray_start_s,
        "driver_peak_rss_mb": rss_mb, "episode_rows": len(results.episodes), "seat_rows": len(results.seats),
        "move_rows": move_rows, "moves": results.moves,
    }


def emit(figures: dict) -> None:
    print(json.dumps({**figures, "cores": os.cpu_count()}), flush=True)
