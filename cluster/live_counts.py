"""Per-episode progress from inside running shards: each task reports what it has played so far,
so the bar moves per episode rather than per shard."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import ray

from arena.results.schema import EpisodeStatus
from backends.wrapper import ACTIVITY

REPORT_EVERY_S = 0.5  # a task's reports are this far apart: a few actor calls a second, whatever the episode rate


@dataclass(frozen=True)
class ShardCounts:
    """What one running shard has done so far: absolute counts, so a retried task simply starts over."""

    episodes: int = 0
    errors: int = 0
    requests_in_flight: int = 0
    spent_usd: float = 0.0


@ray.remote(num_cpus=0)
class LiveCounts:
    """Latest ShardCounts of each running shard, by the driver's shard number."""

    def __init__(self) -> None:
        self.shards: dict[int, ShardCounts] = {}

    def report(self, shard: int, counts: ShardCounts) -> None:
        self.shards[shard] = counts

    def snapshot(self, running: set[int]) -> list[ShardCounts]:
        """The latest counts of the shards still `running`; those of finished shards are dropped."""
        self.shards = {n: c for n, c in self.shards.items() if n in running}
        return list(self.shards.values())


def live_counts():
    """A LiveCounts actor on the driver's node, which lives as long as the run does. Hard: a soft affinity
    lets Ray put it on a busy cluster's worker nodes, which may go away mid-run."""
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    here = NodeAffinitySchedulingStrategy(ray.get_runtime_context().get_node_id(), soft=False)
    return LiveCounts.options(scheduling_strategy=here).remote()


class ShardReporter:
    """Counts a shard's finished episodes and reports them, with the process's model requests in flight
    and spend, every REPORT_EVERY_S while the shard plays."""

    def __init__(self, live, shard: int):
        self.live, self.shard = live, shard
        self.episodes = self.errors = 0
        self._spent_at_start = ACTIVITY.spent_usd

    def on_episode(self, status: EpisodeStatus) -> None:
        self.episodes += 1
        self.errors += status is EpisodeStatus.ERROR

    def send(self) -> None:
        counts = ShardCounts(self.episodes, self.errors, ACTIVITY.in_flight, ACTIVITY.spent_usd - self._spent_at_start)
        self.live.report.remote(self.shard, counts)

    async def keep_reporting(self) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(max(0.0, REPORT_EVERY_S - (time.monotonic() - last)))
            last = time.monotonic()
            self.send()
