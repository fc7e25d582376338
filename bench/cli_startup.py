"""The command line as a user meets it: lines printed, time to the first episode, a rerun, the ETA's accuracy.

    python bench/cli_startup.py            # everything, `make demo`'s run included (a minute or two on CPU)
    python bench/cli_startup.py --no-demo  # without the vLLM demo

Figures (medians of --repeats runs where repeated):
- small_run_lines / small_run_s / first_episode_s: `arena run` of a 2-episode tournament (random vs MCTS on
  tic-tac-toe) on an embedded Ray; first_episode_s is from the command's start to the first episode's start
  (its started_at in the results);
- rerun_s / rerun_lines: the same command again with nothing left to play (answers without Ray);
- demo_lines: the non-blank lines `make demo` prints after installing (its command echo plus `arena run
  configs/demo.yaml`), demo_s its wall time;
- eta_error_at: for a run of 6,000 episodes of three games of different lengths, the ETA's error relative to
  the time that was really left, when 10/25/50/75% of the episodes were done.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, emit, run_child

SMALL = """
name: small
format: round_robin
games: [{name: tic_tac_toe}]
players: [{type: random}, {type: mcts, simulations: 20}]
episodes_per_pairing: 2
output_dir: out
"""
ARENA = [sys.executable, "-m", "arena.cli"]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    env.update(COLUMNS="100", PYTHONPATH=str(ROOT))
    return env


def _lines(out: subprocess.CompletedProcess) -> int:
    return sum(1 for line in (out.stdout + out.stderr).splitlines() if line.strip())


def _arena(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess, float, float]:
    wall_start, started = time.time(), time.perf_counter()
    out = subprocess.run([*ARENA, *args], cwd=cwd, env=_env(), capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-3000:])
        raise SystemExit(f"arena {' '.join(args)} failed with exit status {out.returncode}")
    return out, time.perf_counter() - started, wall_start


def small_runs(repeats: int) -> dict:
    import pandas as pd

    runs, reruns, firsts, lines, rerun_lines = [], [], [], [], []
    for i in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            (folder / "t.yaml").write_text(SMALL)
            out, seconds, wall_start = _arena(["run", "t.yaml"], folder)
            episodes = pd.concat(pd.read_parquet(p) for p in (folder / "out" / "small" / "episodes").glob("part-*"))
            firsts.append(episodes.started_at.min().timestamp() - wall_start)
            runs.append(seconds)
            lines.append(_lines(out))
            again, rerun_s, _ = _arena(["run", "t.yaml"], folder)
            reruns.append(rerun_s)
            rerun_lines.append(_lines(again))
        print(f"  small run {i + 1}/{repeats}: {seconds:.1f} s, first episode at {firsts[-1]:.1f} s, "
              f"{lines[-1]} lines; rerun {rerun_s:.1f} s", flush=True)
    return {"small_run_s": round(statistics.median(runs), 2), "first_episode_s": round(statistics.median(firsts), 2),
            "small_run_lines": max(lines), "rerun_s": round(statistics.median(reruns), 2),
            "rerun_lines": max(rerun_lines)}


def demo() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out, seconds, _ = _arena(["run", str(ROOT / "configs" / "demo.yaml"), "--override", f"output_dir={tmp}"], ROOT)
    print(f"  demo: {seconds:.0f} s, {_lines(out) + 1} lines", flush=True)
    return {"demo_lines": _lines(out) + 1, "demo_s": round(seconds, 1)}  # + make's echo of the command


def eta_child() -> dict:
    """In this process: a mixed-game run with the progress bar on, every ETA it showed, the truth after."""
    from arena.config.models import Tournament
    from backends.plan import prepare
    from cluster import driver
    from cluster.progress import EpisodeProgress
    from cluster.ray_session import connect

    seen: list[tuple[float, int, float | None]] = []
    original = EpisodeProgress.show

    def record(self, done, errors, requests=0, spent_usd=0.0, settled=None):
        original(self, done, errors, requests, spent_usd, settled)
        seen.append((time.monotonic(), self.done, self.eta_s()))

    EpisodeProgress.show = record
    with tempfile.TemporaryDirectory() as tmp:
        t = Tournament.model_validate({
            "name": "eta", "output_dir": tmp, "format": "round_robin",
            "games": [{"name": "tic_tac_toe"}, {"name": "connect_four"}, {"name": "kuhn_poker"}],
            "players": [{"type": "random"}, {"type": "mcts", "simulations": 400}],
            "episodes_per_pairing": 2000, "shard_size": 50,
        })
        connect(None, num_cpus=os.cpu_count())
        started = time.monotonic()
        summary = driver.run_tournament(t, prepare(t, use_ray=True), show_progress=True)
        ended = started + summary.seconds
    errors = {}
    for share in (0.10, 0.25, 0.50, 0.75):
        at = next((s for s in seen if s[1] >= share * summary.played and s[2] is not None), None)
        if at is not None:
            left = ended - at[0]
            errors[f"{share:.0%}"] = round((at[2] - left) / left, 3) if left > 0 else None
    return {"eta_error_at": errors, "eta_run_s": round(summary.seconds, 1), "eta_run_episodes": summary.played}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-demo", action="store_true", help="skip the vLLM demo run")
    parser.add_argument("--no-eta", action="store_true", help="skip the ETA run (e.g. against a release without it)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.child:
        emit(eta_child())
        return
    figures = {}
    print("small runs and reruns", flush=True)
    figures.update(small_runs(args.repeats))
    if not args.no_eta:
        print("ETA of a 6,000-episode mixed-game run", flush=True)
        figures.update({k: v for k, v in run_child(__file__).items() if k != "cores"})
        print(f"  ETA error at 10/25/50/75%: {figures['eta_error_at']}", flush=True)
    if not args.no_demo:
        print("make demo's run", flush=True)
        figures.update(demo())
    emit(figures)


if __name__ == "__main__":
    main()
