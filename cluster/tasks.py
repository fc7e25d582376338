"""The Ray task that plays one shard of episodes."""

from __future__ import annotations

import asyncio

import pyarrow as pa
import ray

from arena.config.models import Tournament
from arena.schedule import EpisodeSpec
from arena.shard import play_shard
from backends.plan import BackendPlan
from cluster.live_counts import ShardReporter


@ray.remote(num_cpus=1, max_retries=3)
def play_shard_task(tournament: Tournament, specs: list[EpisodeSpec], plan: BackendPlan,
                    live=None, shard: int = 0) -> dict[str, pa.Table]:
    """`live`: a LiveCounts actor that hears of each finished episode (the progress bar), or None."""
    if live is None:
        return asyncio.run(play_shard(tournament, specs, plan.backend_for))
    return asyncio.run(_play_reporting(tournament, specs, plan, ShardReporter(live, shard)))


async def _play_reporting(t: Tournament, specs: list[EpisodeSpec], plan: BackendPlan,
                          reporter: ShardReporter) -> dict[str, pa.Table]:
    ticker = asyncio.create_task(reporter.keep_reporting())
    try:
        return await play_shard(t, specs, plan.backend_for, on_episode=reporter.on_episode)
    finally:
        ticker.cancel()
