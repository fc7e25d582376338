"""Move quality: seconds and decisions/s of `compute_quality` (cluster/quality.py) on a 10,000-episode
tic-tac-toe round robin, with one worker and with every core, then on a short set of chess games judged by
Stockfish at a stated depth. The goal of the tic-tac-toe figure: 10,000 episodes in under 10 s on 2 cores.

The folders are played in-process without Ray (arena.shard.play_shard on every core) into a temporary
folder: tic-tac-toe between random, MCTS with 4 simulations and the solver; chess between random and
Stockfish at a small node count, cut at MAX_MOVES. Each evaluation runs in a fresh process with an embedded
Ray, started before the clock starts (its start is reported apart), on a folder without a quality table, so
nothing is resumed. The chess part is skipped, with a note in the figures, when no Stockfish binary is found.

    python bench/quality.py                          # about three minutes on 2 cores
    python bench/quality.py --episodes 2000 --chess 4
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from _common import ROOT, emit, run_child

CHUNK = 1_000
MAX_MOVES = 40  # long enough for middlegame positions, short enough to judge quickly
ENGINE_NODES = 2_000  # the Stockfish player: weak and reproducible, it still plays engine moves to judge


def tic_tac_toe(per_pairing: int) -> dict:
    players = [{"type": "random"}, {"type": "mcts", "simulations": 4}, {"type": "solver"}]
    return {"name": "quality_tic_tac_toe", "games": [{"name": "tic_tac_toe"}], "players": players,
            "episodes_per_pairing": per_pairing, "seed": 3}


def chess(episodes: int, engine: str) -> dict:
    opponent = {"type": "uci", "name": f"stockfish_n{ENGINE_NODES}", "engine": engine, "nodes": ENGINE_NODES}
    return {"name": "quality_chess", "games": [{"name": "chess", "max_moves": MAX_MOVES}],
            "players": [{"type": "random"}, opponent], "episodes_per_pairing": episodes, "seed": 3}


def play_chunk(config: dict, start: int, stop: int, root: str) -> int:
    from arena.config import Tournament
    from arena.results.writer import write_parts
    from arena.schedule import episodes
    from arena.shard import play_shard

    t = Tournament.model_validate(config)
    specs = list(itertools.islice(episodes(t), start, stop))
    write_parts(root, asyncio.run(play_shard(t, specs)))
    return len(specs)


def generate(root: Path, config: dict) -> int:
    """Play every episode of `config` into `root` on every core; returns how many were played."""
    from arena.config import Tournament
    from arena.results.location import as_dir
    from arena.results.manifest import Manifest
    from arena.schedule import count

    t = Tournament.model_validate(config)
    total = count(t)
    manifest = Manifest(as_dir(root), t)
    started = time.perf_counter()
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        jobs = [pool.submit(play_chunk, config, a, min(a + CHUNK, total), str(root)) for a in range(0, total, CHUNK)]
        played = 0
        for job in jobs:
            played += job.result()
        print(f"  played {played:,} episodes in {time.perf_counter() - started:.1f} s", flush=True)
    manifest.save("finished", scheduled=total, played=played)
    return played


def child(root: str, workers: str, settings: str) -> None:
    """One evaluation of `root` in this fresh process: Ray started first, then compute_quality timed."""
    from arena.quality.settings import QualitySettings
    from arena.quality.store import read_quality
    from cluster.quality import compute_quality
    from cluster.ray_session import connect

    shutil.rmtree(Path(root) / "quality", ignore_errors=True)  # a table left by the last measurement would resume
    started = time.perf_counter()
    connect(None, num_cpus=os.cpu_count())
    ray_start_s = time.perf_counter() - started
    started = time.perf_counter()
    compute_quality(root, settings=QualitySettings.model_validate_json(settings), workers=int(workers), progress=False)
    seconds = time.perf_counter() - started
    table = read_quality(root, ["play_id"])
    emit({"seconds": seconds, "ray_start_s": ray_start_s, "decisions": table.num_rows,
          "episodes": len(set(table["play_id"].to_pylist()))})


def measure(root: Path, workers: int, settings: dict, label: str, figures: dict) -> None:
    from arena.quality.settings import QualitySettings

    print(f"  evaluating with {workers} worker(s) ...", flush=True)
    got = run_child(__file__, str(root), str(workers), QualitySettings(**settings).model_dump_json())
    rate = got["decisions"] / got["seconds"]
    print(f"  {got['episodes']:,} episodes, {got['decisions']:,} decisions in {got['seconds']:.2f} s = {rate:,.0f} "
          f"decisions/s (Ray start {got['ray_start_s']:.1f} s, not counted)", flush=True)
    figures.update({f"{label}_seconds": round(got["seconds"], 2), f"{label}_decisions_per_s": round(rate, 1),
                    f"{label}_decisions": got["decisions"], f"{label}_episodes": got["episodes"]})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--episodes", type=int, default=10_000, help="tic-tac-toe episodes, about")
    parser.add_argument("--chess", type=int, default=20, help="chess episodes (0: none)")
    parser.add_argument("--depth", type=int, default=8, help="Stockfish depth per judged chess position")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    figures: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        config = tic_tac_toe(0)
        pairings = len(config["players"]) * (len(config["players"]) - 1) // 2
        config["episodes_per_pairing"] = max(2, round(args.episodes / pairings / 2) * 2)
        names = ", ".join(p.get("name") or (f"mcts_{p['simulations']}" if p["type"] == "mcts" else p["type"])
                          for p in config["players"])
        print(f"tic_tac_toe: round robin of {names}", flush=True)
        root = Path(tmp) / "tic_tac_toe"
        figures["ttt_players"] = names
        figures["ttt_played"] = generate(root, config)
        for workers in sorted({1, cores}):
            measure(root, workers, {}, f"ttt_{workers}_workers", figures)
        from arena.agents.uci_engines import engine_path

        engine = engine_path("stockfish")
        if args.chess <= 0:
            figures["chess_note"] = "not run (--chess 0)"
        elif engine is None:
            figures["chess_note"] = "skipped: no stockfish binary on PATH or in /usr/games"
        else:
            config = chess(max(2, args.chess // 2 * 2), engine)
            opponent = config["players"][1]["name"]
            print(f"chess: random against {opponent}, at most {MAX_MOVES} moves, judged at depth {args.depth}", flush=True)
            root = Path(tmp) / "chess"
            figures["chess_played"] = generate(root, config)
            figures["chess_opponent"] = opponent
            figures["chess_depth"] = args.depth
            measure(root, cores, {"engine": engine, "depth": args.depth}, f"chess_{cores}_workers", figures)
    emit(figures)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.path.insert(0, str(ROOT))
        child(*sys.argv[2:5])
    else:
        main()
