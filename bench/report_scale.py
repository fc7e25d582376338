"""Analysis at scale: peak RSS and seconds of `arena run`'s closing leaderboard and of `arena report` on a
tournament of about 100,000 and then about 1,000,000 episodes.

The folder is played for real, in-process and without Ray (arena.shard.play_shard on every core): ten
players (eight random, two simulated language models that answer a random legal move or nonsense, with
token counts, latency and cost, so every column is filled) on tic-tac-toe and Kuhn poker. The 1M folder
extends the 100k one. Each measurement runs in a fresh process so its peak RSS is its own:
- leaderboard: what `arena run` prints at the end (load without moves, standings with 1000 bootstrap rounds);
- report: `arena report` with its defaults (replays of 10,000 episodes, PGN, figures, CSV/JSON).

    python bench/report_scale.py            # 100k and 1M (about 15 minutes on 2 cores)
    python bench/report_scale.py --sizes 100000
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from _common import ROOT, emit, run_child

GAMES = [{"name": "tic_tac_toe"}, {"name": "kuhn_poker"}]
CHUNK = 10_000


def config(episodes_per_pairing: int) -> dict:
    players = [{"type": "random", "name": f"random_{i}"} for i in range(8)]
    players += [{"type": "llm", "name": f"model_{i}", "model": f"simulated_{i}", "max_illegal_attempts": 2,
                 "on_illegal": "forfeit"} for i in range(2)]
    return {"name": "report_scale", "games": GAMES, "players": players, "episodes_per_pairing": episodes_per_pairing,
            "seed": 11}


class SimulatedModel:
    """Answers a random legal move, or nonsense one time in ten, at a price (tests/arena/report/conftest.py)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    async def chat(self, request):
        from arena.chat import ChatResult

        text = "no idea" if self.rng.random() < 0.1 else self.rng.choice(request.legal_moves)
        return ChatResult(text=text, prompt_tokens=120, completion_tokens=3, latency_s=self.rng.uniform(0.1, 0.9),
                          cost_usd=0.001)


def play_chunk(per_pairing: int, start: int, stop: int, root: str) -> int:
    from arena.config import Tournament
    from arena.results.writer import write_parts
    from arena.schedule import episodes
    from arena.shard import play_shard

    t = Tournament.model_validate(config(per_pairing))
    model = SimulatedModel(start)
    specs = list(itertools.islice(episodes(t), start, stop))
    write_parts(root, asyncio.run(play_shard(t, specs, backend_for=lambda spec: model)))
    return len(specs)


def generate(root: Path, per_pairing: int, done: int) -> int:
    """Play the episodes of the schedule from `done` on into `root`; returns how many the schedule has."""
    from arena.config import Tournament
    from arena.results.location import as_dir
    from arena.results.manifest import Manifest
    from arena.schedule import count

    t = Tournament.model_validate(config(per_pairing))
    total = count(t)
    manifest = Manifest(as_dir(root), t, extend=done > 0)
    started = time.perf_counter()
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        jobs = [pool.submit(play_chunk, per_pairing, a, min(a + CHUNK, total), str(root))
                for a in range(done, total, CHUNK)]
        played = done
        for job in jobs:
            played += job.result()
            print(f"  played {played:,} of {total:,} ({time.perf_counter() - started:.0f} s)", flush=True)
    manifest.save("finished", scheduled=total, played=total - done)
    return total


def child(what: str, root: str, out: str) -> None:
    started = time.perf_counter()
    if what == "leaderboard":  # what cluster/run.py does after the last episode
        from arena.report import print_leaderboard, standings
        from arena.results import load

        print_leaderboard(standings(load(root, moves=False, lean=True)), "Leaderboard")
    else:
        from arena.report.command import report_command

        report_command(root, out=out)
    seconds = time.perf_counter() - started
    print(f'{{"seconds": {seconds:.2f}, "peak_rss_mb": {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}}}')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000", help="tournament sizes in episodes, ascending")
    args = parser.parse_args()
    figures: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "report_scale"
        done = 0
        for size in [int(s) for s in args.sizes.split(",")]:
            pairings = len(GAMES) * 45
            per_pairing = max(2, round(size / pairings / 2) * 2)
            print(f"playing up to {size:,} episodes ({per_pairing} per pairing)", flush=True)
            started = time.perf_counter()
            done = generate(root, per_pairing, done)
            label = f"{size // 1000}k" if size < 1_000_000 else f"{size // 1_000_000}M"
            figures[f"episodes_{label}"] = done
            figures[f"play_s_{label}"] = round(time.perf_counter() - started, 1)
            for what in ("leaderboard", "report"):
                print(f"  {what} of {done:,} episodes ...", flush=True)
                got = run_child(__file__, what, str(root), str(Path(tmp) / f"report_{done}"))
                print(f"  {what}: {got['seconds']:.1f} s, peak RSS {got['peak_rss_mb']:.0f} MB", flush=True)
                figures[f"{what}_s_{label}"] = got["seconds"]
                figures[f"{what}_peak_rss_mb_{label}"] = got["peak_rss_mb"]
    emit(figures)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        os.environ.setdefault("MIMALLOC_PURGE_DELAY", "0")  # as the arena command line sets it
        sys.path.insert(0, str(ROOT))
        child(*sys.argv[2:5])
    else:
        main()
