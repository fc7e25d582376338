"""The Ray task that plays one shard of episodes."""

from __future__ import annotations

import asyncio

import pyarrow as pa
import ray

from arena.config.models import Tournament
from arena.schedule import EpisodeSpec
from arena.shard import play_shard


@ray.remote(num_cpus=1, max_retries=3)
def play_shard_task(tournament: Tournament, specs: list[EpisodeSpec]) -> dict[str, pa.Table]:
    # Imported here so the worker, not the driver, builds backend clients.
    from backends.registry import backend_for

    return asyncio.run(play_shard(tournament, specs, backend_for))
