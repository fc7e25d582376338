"""Tournament driver: fan shards of episodes out as Ray tasks, drain them, append to Parquet."""

from __future__ import annotations

import contextlib
import itertools
import logging
import math
import signal
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.compute as pc
import ray

from arena.config.models import LLMPlayer, Tournament
from arena.episode import EpisodeLog
from arena.results import completed_episode_ids
from arena.results.location import ResultsDir
from arena.results.manifest import Manifest
from arena.results.rows import ResultsBuilder
from arena.results.schema import TABLES, EpisodeStatus
from arena.results.writer import concat, write_parts
from arena.schedule import EpisodeSpec, count, episodes
from backends.plan import BackendPlan
from cluster.live_counts import live_counts
from cluster.progress import EpisodeProgress
from cluster.ray_session import cluster_cpus
from cluster.tasks import play_shard_task

log = logging.getLogger(__name__)

FLUSH_EPISODES = 5_000  # buffered episodes that force a write: bounds the driver's memory
FLUSH_SECONDS = 5.0  # ...or this long since the last write, so a crash loses little
POLL_S = 0.25  # with a progress bar, how often the running shards' counts are read while none finishes


@dataclass
class RunSummary:
    results_dir: ResultsDir  # with its filesystem (and a URI's options), for reading back
    scheduled: int
    skipped: int
    played: int
    errors: int
    seconds: float
    interrupted: bool = False
    stop: str | None = None  # an adaptive schedule: why it stopped, in words (None while it has not)

    @property
    def root(self) -> Path | str:
        """The results folder: a local path, or the URI (without its query) of one on an object store."""
        return self.results_dir.local_path or self.results_dir.uri


def _shards(specs: Iterator[EpisodeSpec], size: int) -> Iterator[list[EpisodeSpec]]:
    while shard := list(itertools.islice(specs, size)):
        yield shard


def _shard_size(t: Tournament, remaining: int, cpus: int) -> int:
    if t.shard_size:
        return t.shard_size
    return max(16, min(1024, math.ceil(remaining / (4 * cpus))))


def _failed_shard_rows(t: Tournament, shard: list[EpisodeSpec], error: Exception) -> dict:
    """A task that died for good (after Ray's retries) still leaves a row per episode."""
    rows = ResultsBuilder(t)
    reason = f"task failed: {type(error).__name__}: {str(error).splitlines()[0][:300] if str(error) else ''}"
    for spec in shard:
        rows.add(spec, EpisodeLog(status=EpisodeStatus.ERROR, reason=reason), datetime.now(UTC), 0.0)
    return rows.tables()


class _Buffer:
    def __init__(self, root: ResultsDir):
        self.root, self.batches, self.episodes, self.last = root, [], 0, time.monotonic()

    def add(self, tables: dict) -> None:
        self.batches.append(tables)
        self.episodes += tables["episodes"].num_rows
        if self.episodes >= FLUSH_EPISODES or time.monotonic() - self.last > FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        # Taken out before writing: if a write is cut short, a second flush must not write the
        # batch again. A cut-short batch leaves no episode rows, so resume plays it again and
        # its orphaned seats/moves (unknown play_ids) are ignored by readers.
        batches, self.batches, self.episodes, self.last = self.batches, [], 0, time.monotonic()
        if batches:
            with stop_deferred():
                write_parts(self.root, concat(batches))


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def stop_deferred():
    """Ctrl-C (or SIGTERM) during a write is delivered after it, so a part set is never half-published."""
    main = threading.current_thread() is threading.main_thread()
    if main:
        signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        if main:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)


def _already_stopping(signum, frame):
    print("already stopping: saving the finished episodes", file=sys.stderr, flush=True)


def stop_quietly() -> None:
    """After the first Ctrl-C (or SIGTERM) the run is already stopping: a second one must not cut
    short the writes, the manifest or Ray's shutdown with a traceback, so it is only acknowledged."""
    if threading.current_thread() is threading.main_thread():
        for stop in _STOP_SIGNALS:
            signal.signal(stop, _already_stopping)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def sigterm_as_interrupt():
    """A scheduler's SIGTERM (timeout, SLURM, Kubernetes) stops the run the way Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def results_root(t: Tournament) -> ResultsDir:
    """<output_dir>/<name>; ValueError for a URI that no pyarrow filesystem takes."""
    return ResultsDir(t.output_dir).child(t.name)


def run_tournament(t: Tournament, plan: BackendPlan | None = None, show_progress: bool = True,
                   root: ResultsDir | None = None, extend: bool = False,
                   done: tuple[set[str], int] | None = None) -> RunSummary:
    """Play every episode of `t` not already in its results folder (`root`, default results_root(t)).
    Ray must be initialised; `plan` holds the backends prepared for the tournament's models
    (backends.plan.prepare). A folder of another definition raises ResultsMismatch before anything
    is written, unless `extend` and the change only adds players, games or episodes. `done`: the ids of the
    episodes already in the folder and how many remain, when the caller has just read them."""
    root = root or results_root(t)
    if t.schedule.mode == "adaptive":
        from cluster.adaptive_driver import run_adaptive

        return run_adaptive(t, plan, show_progress, root, extend, done[0] if done is not None else None)
    manifest = Manifest(root, t, extend)
    for table in TABLES:
        root.child(table).remove_stale_temporaries()
    done_ids, remaining = done if done is not None else (completed_episode_ids(root), None)
    scheduled = count(t)
    skipped = 0

    def pending() -> Iterator[EpisodeSpec]:
        nonlocal skipped
        for spec in episodes(t):
            if spec.episode_id in done_ids:
                skipped += 1
            else:
                yield spec

    cpus = cluster_cpus()
    if remaining is None:
        remaining = sum(spec.episode_id not in done_ids for spec in episodes(t))
    shard_size = _shard_size(t, remaining, cpus)
    max_in_flight = t.max_in_flight or 2 * cpus
    manifest.save(scheduled=scheduled, shard_size=shard_size)
    log.info("%s: %d scheduled, %d already done, shards of %d, %d in flight on %d CPUs",
             t.name, scheduled, len(done_ids), shard_size, max_in_flight, cpus)
    player = ShardPlayer(t, plan, root, live_counts() if show_progress else None, max_in_flight)
    start = time.perf_counter()
    models = any(isinstance(p, LLMPlayer) for p in t.players)
    with EpisodeProgress(remaining, enabled=show_progress, models=models) as bar, until_stopped(player) as stop:
        player.play(pending(), shard_size, bar)
    seconds = time.perf_counter() - start
    finished = player.finished
    manifest.save("interrupted" if stop.happened else "finished", skipped=skipped, played=finished.episodes,
                  errors=finished.errors,
                  seconds=round(seconds, 3))
    return RunSummary(root, scheduled, skipped, finished.episodes, finished.errors, seconds, stop.happened)


class Stop:
    happened = False


@contextlib.contextmanager
def until_stopped(player: ShardPlayer) -> Iterator[Stop]:
    """Plays until done or until Ctrl-C (or SIGTERM): then the running shards are cancelled, what finished is
    written, and a second stop is only acknowledged (`stop.happened` says which it was)."""
    stop = Stop()
    with sigterm_as_interrupt():
        try:
            yield stop
        except KeyboardInterrupt:
            stop.happened = True
            stop_quietly()
            player.cancel()
        finally:
            player.buffer.flush()
    if stop.happened:
        stop_quietly()  # sigterm_as_interrupt gave SIGTERM its old handler back


class ShardPlayer:
    """Plays episodes as Ray tasks, a shard each, at most `max_in_flight` at once; their rows go to the buffer."""

    def __init__(self, t: Tournament, plan: BackendPlan | None, root: ResultsDir, live, max_in_flight: int):
        self.t = t
        self.t_ref, self.plan_ref = ray.put(t), ray.put(plan or BackendPlan())
        self.buffer, self.in_flight, self.finished = _Buffer(root), {}, _Finished()
        self.live, self.max_in_flight, self.numbers = live, max_in_flight, itertools.count()

    def play(self, specs: Iterable[EpisodeSpec], shard_size: int, bar: EpisodeProgress) -> None:
        """Every episode of `specs`, returning when the last shard's rows are in the buffer."""
        in_flight = self.in_flight
        for shard in itertools.chain(_shards(iter(specs), shard_size), [None]):
            if shard is not None:
                number = next(self.numbers)
                in_flight[play_shard_task.remote(self.t_ref, shard, self.plan_ref, self.live, number)] = (number, shard)
            while in_flight and (shard is None or len(in_flight) >= self.max_in_flight):
                ready, _ = ray.wait(list(in_flight), num_returns=1, timeout=POLL_S if self.live else None)
                if not ready:  # nothing finished yet: show what the running shards report
                    bar.show(*self.finished.with_running(self.live, {n for n, _ in in_flight.values()}))
                    continue
                tables = _collect(self.t, ready[0], in_flight.pop(ready[0])[1])
                with stop_deferred():  # a stop between the two would save episodes it never counted
                    self.finished.add(tables)
                    self.buffer.add(tables)  # last: a write's own deferral ends inside it
                bar.show(*self.finished.with_running(self.live, {n for n, _ in in_flight.values()}))

    def cancel(self) -> None:
        for ref in self.in_flight:
            ray.cancel(ref, force=True)


class _Finished:
    """Totals of the shards whose rows are in; with the running shards' reports, what the bar shows."""

    def __init__(self) -> None:
        self.episodes = self.errors = 0
        self.spent_usd = 0.0

    def add(self, tables: dict) -> None:
        n, e = tables["episodes"].num_rows, _count_errors(tables)
        self.episodes, self.errors = self.episodes + n, self.errors + e
        self.spent_usd += pc.sum(tables["seats"]["cost_usd"]).as_py() or 0.0
        log.debug("shard done: %d episodes, %d errors", n, e)

    def with_running(self, live, running: set[int]) -> tuple[int, int, int, float, int]:
        """(episodes, errors, requests in flight, spent, settled) counting the running shards' latest reports;
        settled: the finished shards' episodes alone."""
        if live is None:
            return self.episodes, self.errors, 0, self.spent_usd, self.episodes
        try:
            reports = ray.get(live.snapshot.remote(running), timeout=10)
        except (ray.exceptions.RayError, TimeoutError):  # the bar only: its counts never stop the run
            reports = []
        return (self.episodes + sum(c.episodes for c in reports), self.errors + sum(c.errors for c in reports),
                sum(c.requests_in_flight for c in reports), self.spent_usd + sum(c.spent_usd for c in reports),
                self.episodes)


def _collect(t: Tournament, ref, shard: list[EpisodeSpec]) -> dict:
    try:
        return ray.get(ref)
    except ray.exceptions.RayError as e:  # task error after retries, worker or node lost, object lost
        log.warning("a shard of %d episodes failed after Ray's retries; recorded as errors: %s", len(shard), e)
        return _failed_shard_rows(t, shard, e)


def _count_errors(tables: dict) -> int:
    return pc.sum(pc.equal(tables["episodes"]["status"], EpisodeStatus.ERROR.value)).as_py() or 0
