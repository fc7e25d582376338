"""The Ray task that plays one shard of episodes."""

from __future__ import annotations

import asyncio

import pyarrow as pa
import ray

from arena.config.models import Tournament
from arena.schedule import EpisodeSpec
from arena.shard import play_shard
from backends.plan import BackendPlan


@ray.remote(num_cpus=1, max_retries=3)
def play_shard_task(tournament: Tournament, specs: list[EpisodeSpec], plan: BackendPlan) -> dict[str, pa.Table]:
    return asyncio.run(play_shard(tournament, specs, plan.backend_for))
