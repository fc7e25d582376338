"""A real results folder for the quality tests: episodes played with the real shard loop and written as
`arena run` writes them, plus episodes that did not finish.

Import it from a test with `sys.path.insert(0, str(Path(__file__).parent))` (--import-mode=importlib).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from arena.config import Tournament
from arena.episode import EpisodeLog
from arena.results.location import ResultsDir
from arena.results.rows import ResultsBuilder
from arena.results.schema import EpisodeStatus
from arena.results.writer import write_parts
from arena.schedule import episodes
from arena.shard import play_shard


def played_folder(path: Path | str, games: list[str], episodes_per_pairing: int = 4, errors: int = 0) -> ResultsDir:
    """random vs mcts on `games`; the last `errors` episodes of the schedule are recorded as errors."""
    t = Tournament.model_validate({"name": "q", "output_dir": str(path), "games": [{"name": g} for g in games],
                                   "players": [{"type": "random"}, {"type": "mcts", "simulations": 10}],
                                   "episodes_per_pairing": episodes_per_pairing})
    root = ResultsDir(path).child("q")
    specs = list(episodes(t))
    played, failed = specs[:len(specs) - errors], specs[len(specs) - errors:]
    write_parts(root, asyncio.run(play_shard(t, played)))
    if failed:
        rows = ResultsBuilder(t)
        for spec in failed:
            rows.add(spec, EpisodeLog(status=EpisodeStatus.ERROR, reason="model unavailable"), datetime.now(UTC), 0.0)
        write_parts(root, rows.tables())
    return root
