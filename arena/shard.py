"""Play a batch of episodes concurrently in one process (what one Ray task does)."""

from __future__ import annotations

import asyncio
import random
import time
import traceback
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

import pyarrow as pa

from arena.agents.base import FailureKind, PlayerFailure
from arena.agents.factory import BackendFor, make_agent
from arena.config.models import Tournament
from arena.episode import EpisodeLog, play_episode
from arena.games import load_game
from arena.results.rows import ResultsBuilder
from arena.results.schema import EpisodeStatus
from arena.schedule import EpisodeSpec, derive_seed


async def play_one(
    t: Tournament, spec: EpisodeSpec, backend_for: BackendFor | None, rows: ResultsBuilder
) -> EpisodeStatus:
    """Play one episode and add its rows; an exception becomes status=error, never a lost row."""
    started, clock = datetime.now(UTC), time.perf_counter()
    log = EpisodeLog()
    try:
        game = load_game(spec.game.name, spec.game.params)
        seeds = [derive_seed(spec.episode_id, seat) for seat in range(len(spec.seats))]
        agents = [make_agent(t.player(n), game, s, backend_for) for n, s in zip(spec.seats, seeds, strict=True)]
        await play_episode(
            game, agents, random.Random(spec.seed), [random.Random(s) for s in seeds], t.max_moves_for(spec.game), log
        )
    except PlayerFailure as e:
        if e.kind is FailureKind.SKIPPED:
            log.status, log.reason, log.returns = EpisodeStatus.SKIPPED, f"budget: {e.message}", []
        else:
            log.status, log.reason, log.returns = EpisodeStatus.ERROR, _reason(e), []
    except Exception as e:  # noqa: BLE001 - any failure of one episode must not take the others down
        log.status, log.reason, log.returns = EpisodeStatus.ERROR, _reason(e), []
    rows.add(spec, log, started, time.perf_counter() - clock)
    assert log.status is not None  # play_episode sets it, or an exception above did
    return log.status


def _reason(e: BaseException) -> str:
    where = traceback.extract_tb(e.__traceback__)[-1] if e.__traceback__ else None
    at = f" (at {where.filename.rsplit('/', 1)[-1]}:{where.lineno})" if where else ""
    return f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}{at}"[:500]


async def play_shard(
    t: Tournament, specs: Iterable[EpisodeSpec], backend_for: BackendFor | None = None, concurrency: int | None = None,
    on_episode: Callable[[EpisodeStatus], None] | None = None,
) -> dict[str, pa.Table]:
    """Rows of every episode of `specs`; `on_episode` hears of each as it ends (a run's progress bar)."""
    rows = ResultsBuilder(t)
    limit = asyncio.Semaphore(concurrency or t.episode_concurrency)

    async def bounded(spec: EpisodeSpec) -> None:
        async with limit:
            status = await play_one(t, spec, backend_for, rows)
        if on_episode is not None:
            on_episode(status)

    await asyncio.gather(*(bounded(s) for s in specs))
    return rows.tables()
