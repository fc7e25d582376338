"""Compute the move-quality table on Ray: the pending plays in chunks, one task per chunk, one part file
per finished task, so an interrupted run loses at most the tasks in flight and a rerun resumes."""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import ray

from arena.quality.evaluate import Batch, evaluate_plays
from arena.quality.pending import pending_plays
from arena.quality.settings import QualitySettings
from arena.quality.store import FOLDER, write_part
from arena.results.location import ResultsDir, as_dir
from cluster.driver import sigterm_as_interrupt, stop_deferred, stop_quietly
from cluster.progress import EpisodeProgress
from cluster.ray_session import cluster_cpus, connect


@dataclass
class QualityRun:
    """What one quality run did."""

    decisions: int = 0  # quality rows written
    episodes: int = 0  # episodes evaluated
    skipped: int = 0  # episodes already evaluated under the same settings
    failures: list[str] = field(default_factory=list)  # one line per episode that gave no rows, and why
    seconds: float = 0.0
    workers: int = 0  # tasks in flight at most; 0 when nothing was left to evaluate (Ray not started)
    interrupted: bool = False

    def as_dict(self, reasons: int = 20) -> dict[str, Any]:
        """The counts, and the first `reasons` failures."""
        out = asdict(self)
        out["failures"], out["failure_reasons"] = len(self.failures), self.failures[:reasons]
        return out


@ray.remote(num_cpus=1, max_retries=3)
def evaluate_chunk_task(results: ResultsDir, plays: pd.DataFrame, kinds: dict[str, str],
                        settings: QualitySettings) -> Batch:
    """Evaluate one chunk of plays, reading only their moves; the evaluators (an engine process) are
    the task's own and closed before it returns."""
    return evaluate_plays(results, plays, kinds, settings)


def _chunk_size(pending: int, workers: int) -> int:
    """About four tasks per worker, so the last ones finish together; never tiny, never huge."""
    return max(16, min(500, math.ceil(pending / (4 * workers))))


def compute_quality(results: str | Path | ResultsDir, *, settings: QualitySettings, address: str | None = None,
                    workers: int | None = None, progress: bool = True) -> QualityRun:
    """Evaluate every finished play of `results` not yet evaluated under `settings` and append the rows to its
    quality table. Joins `address` (or the Ray session already connected, or starts an embedded one) only
    when something is left to evaluate."""
    root = as_dir(results)
    start = time.perf_counter()
    pending = pending_plays(root, settings)
    run = QualityRun(skipped=pending.skipped, failures=list(pending.unavailable))
    if pending.plays.empty:
        run.seconds = time.perf_counter() - start
        return run
    connect(address)
    run.workers = workers or cluster_cpus()
    root.child(FOLDER).remove_stale_temporaries()
    size = _chunk_size(len(pending.plays), run.workers)
    chunks = (pending.plays.iloc[i:i + size] for i in range(0, len(pending.plays), size))
    settings_ref = ray.put(settings)
    in_flight: dict[ray.ObjectRef, int] = {}
    settled = 0
    with EpisodeProgress(len(pending.plays), enabled=progress) as bar, sigterm_as_interrupt():
        try:
            for chunk in [*chunks, None]:
                if chunk is not None:
                    ref = evaluate_chunk_task.remote(root, chunk.reset_index(drop=True), pending.kinds, settings_ref)
                    in_flight[ref] = len(chunk)
                while in_flight and (chunk is None or len(in_flight) >= run.workers):
                    ready, _ = ray.wait(list(in_flight), num_returns=1)
                    plays = in_flight.pop(ready[0])
                    _collect(root, ready[0], plays, run)
                    settled += plays
                    bar.show(settled, len(run.failures))
        except KeyboardInterrupt:
            run.interrupted = True
            stop_quietly()
            for ref in in_flight:
                ray.cancel(ref, force=True)
    run.seconds = time.perf_counter() - start
    return run


def _collect(root: ResultsDir, ref: ray.ObjectRef, plays: int, run: QualityRun) -> None:
    try:
        batch: Batch = ray.get(ref)
    except ray.exceptions.RayError as e:  # the task failed after Ray's retries, or its node was lost
        reason = str(e).strip().splitlines()[-1][:300] if str(e).strip() else type(e).__name__
        run.failures.extend([f"a task of {plays} episodes failed: {reason}"] * plays)
        return
    with stop_deferred():  # a part file is published whole or not at all, and counted with it
        run.decisions += batch.table.num_rows
        run.episodes += batch.episodes
        run.failures.extend(batch.failures)
        write_part(root, batch.table)
