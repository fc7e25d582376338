"""Live progress bar: episodes done/total, rate, ETA, errors and, with model players, requests in flight
and spend. Without a terminal (a Ray job's log, a CI log) a plain line every LOG_EVERY_S seconds instead.
A job that `arena submit --wait` follows (PROGRESS_EVENTS set) writes its figures as one EVENT line a
second instead, from which the follower draws the same bar on the researcher's terminal (EventFollower)."""

from __future__ import annotations

import json
import os
import sys
import time
from collections import deque
from collections.abc import Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

LOG_EVERY_S = 30.0
EVENT_EVERY_S = 1.0
PROGRESS_EVENTS = "ARENA_PROGRESS_EVENTS"  # in a job's env_vars: write EVENT lines
EVENT = "arena-progress "
WINDOW_S = 30.0  # the ETA's rate is measured over this much of the recent past


def eta_seconds(samples: Sequence[tuple[float, int]], total: int, now: float) -> float | None:
    """Time left at the rate of the last WINDOW_S seconds. `samples` are (time, episodes settled) from the
    run's start on, oldest first; settled episodes are those of finished shards. Not the episodes that
    running shards report: a shard plays its episodes together and its short games end first, so their
    count runs ahead of the work done. The rate is measured from the first finished shard on, which
    leaves out the start (Ray's workers, a model server warming up), slower than what follows."""
    if len(samples) < 2 or samples[-1][1] <= 0:
        return None
    t_last, done = samples[-1]
    if done >= total:
        return 0.0
    settled = [(t, d) for t, d in samples if d > 0]
    start = next(((t, d) for t, d in settled if t >= now - WINDOW_S), settled[0])
    if start[1] >= done:  # one settlement in the window: from the first one, or else from the run's start
        start = settled[0] if settled[0][1] < done else samples[0]
    if t_last <= start[0]:
        return None
    return max(0.0, (total - done) * (t_last - start[0]) / (done - start[1]) - (now - t_last))


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "-:--:--"
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


class EpisodeProgress:
    def __init__(self, total: int, enabled: bool = True, models: bool = False):
        """`models`: the tournament has model players, so requests in flight and spend are shown."""
        self.console = Console(stderr=True)
        self.models = models
        self.done = self.errors = self.requests = 0
        self.spent_usd = 0.0
        self.total = total
        self.log_lines = enabled and not sys.stderr.isatty()
        self.events = self.log_lines and os.environ.get(PROGRESS_EVENTS) == "1"
        self._started = self._logged = time.monotonic()
        self._samples: deque[tuple[float, int]] = deque([(self._started, 0)])  # (time, settled episodes)
        columns = [TextColumn("[bold]episodes"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]:>8.1f}/s  ETA {task.fields[eta]}"), TimeElapsedColumn(),
                   TextColumn("errors: {task.fields[errors]}")]
        if models:
            columns.append(TextColumn("requests: {task.fields[requests]}  spent: ${task.fields[spent]:.4f}"))
        columns.append(TextColumn("{task.fields[note]}"))
        self._progress = Progress(
            *columns, console=self.console, disable=not enabled or self.log_lines, refresh_per_second=4,
            redirect_stdout=False, redirect_stderr=False, transient=True,  # the summary line replaces it
        )
        self._task = self._progress.add_task("episodes", total=total, rate=0.0, errors=0, eta=_clock(None),
                                             requests=0, spent=0.0, note="")
        self._note = ""

    def note(self, text: str) -> None:
        """A few words after the figures, e.g. an adaptive schedule's widest interval against its target."""
        self._note = text
        self._progress.update(self._task, note=text)

    def set_total(self, total: int) -> None:
        """A schedule that grows round by round: the episodes chosen so far."""
        self.total = total
        self._progress.update(self._task, total=total)

    def say(self, line: str, file=None) -> None:
        """A line above the bar (on a terminal) or in the log (`file`, default stderr), with or without a bar:
        what an adaptive round chose."""
        if self._progress.live.is_started:
            self._progress.console.print(line, highlight=False, markup=False)
        else:
            print(line, file=file or sys.stderr, flush=True)

    def __enter__(self) -> EpisodeProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.stop()
        if self.events:  # the follower's bar ends with this one, before the run's summary lines
            print(EVENT + json.dumps({"bar": self._started, "end": True}), file=sys.stderr, flush=True)

    def eta_s(self) -> float | None:
        return eta_seconds(self._samples, self.total, time.monotonic())

    def _sample(self, now: float, settled: int) -> None:
        if self._samples[-1][1] != settled:
            self._samples.append((now, settled))
        # Keeps the start (the fallback) and what the window needs.
        while len(self._samples) > 2 and self._samples[1][0] < now - 2 * WINDOW_S:
            start = self._samples.popleft()
            self._samples.popleft()
            self._samples.appendleft(start)

    def show(self, done: int, errors: int, requests: int = 0, spent_usd: float = 0.0, settled: int | None = None) -> None:
        """Absolute figures for the whole run so far: finished shards and what running ones reported.
        `settled`: the episodes of finished shards alone (the ETA's rate); default `done`."""
        self.done, self.errors, self.requests, self.spent_usd = min(done, self.total), errors, requests, spent_usd
        now = time.monotonic()
        self._sample(now, done if settled is None else settled)
        elapsed = max(now - self._started, 1e-9)
        self._progress.update(self._task, completed=self.done, errors=errors, rate=self.done / elapsed,
                              eta=_clock(self.eta_s()), requests=requests, spent=spent_usd)
        # No line for the end: the run's own summary line follows.
        if self.events and now - self._logged >= EVENT_EVERY_S:
            self._logged = now
            print(EVENT + json.dumps({"bar": self._started, "total": self.total, "done": self.done, "errors": errors, "requests": requests,
                                      "spent_usd": spent_usd, "settled": done if settled is None else settled,
                                      "models": self.models, "note": self._note}), file=sys.stderr, flush=True)
        elif self.log_lines and now - self._logged >= LOG_EVERY_S and self.done < self.total:
            self._logged = now
            eta = self.eta_s()
            extra = f", requests in flight: {requests}, spent ${spent_usd:.4f}" if self.models else ""
            print(f"episodes {self.done}/{self.total} ({100 * self.done / max(self.total, 1):.0f}%), "
                  f"{self.done / elapsed:.1f}/s, ETA {'?' if eta is None else f'{eta:.0f} s'}, "
                  f"errors: {errors}{extra}{', ' + self._note if self._note else ''}", file=sys.stderr, flush=True)


class ServeProgress:
    """The wait for Ray Serve's replicas: a spinner with the latest state on a terminal; elsewhere the first
    waiting line and the end, so a log is not filled with the same line every few seconds."""

    def __init__(self) -> None:
        self.console = Console(stderr=True)
        self._status = None
        self._said_waiting = False

    def __call__(self, line: str, waiting: bool) -> None:
        if not waiting:
            if self._status is not None:
                self._status.stop()
            print(line, file=sys.stderr, flush=True)
            return
        if not self.console.is_terminal:
            if not self._said_waiting:
                print(line.split(" (")[0] + " to become healthy (this takes a minute or more)", file=sys.stderr, flush=True)
            self._said_waiting = True
            return
        if self._status is None:
            self._status = self.console.status(line)
            self._status.start()
        else:
            self._status.update(line)


class EventFollower:
    """The bar of a followed job, drawn here from its EVENT lines; its other lines are printed above the bar
    (or as they are, without a terminal). Feed it the log's text as it arrives; close() at the end."""

    def __init__(self) -> None:
        self.bar: EpisodeProgress | None = None
        self._bar_id: float | None = None  # the job's bar the events are of: a new one (the quality stage) starts anew
        self._partial = ""

    def feed(self, text: str) -> None:
        *lines, self._partial = (self._partial + text).split("\n")
        for line in lines:
            if line.startswith(EVENT):
                self._event(json.loads(line[len(EVENT):]))
            elif self.bar is not None:
                self.bar.say(line, file=sys.stdout)
            else:
                print(line, flush=True)

    def _event(self, figures: dict) -> None:
        if self.bar is not None and (figures.get("end") or figures["bar"] != self._bar_id):
            self.close_bar()
        if figures.get("end"):
            return
        if self.bar is None:
            self.bar, self._bar_id = EpisodeProgress(figures["total"], models=figures["models"]).__enter__(), figures["bar"]
        if figures["total"] != self.bar.total:
            self.bar.set_total(figures["total"])
        self.bar.note(figures["note"])
        self.bar.show(figures["done"], figures["errors"], figures["requests"], figures["spent_usd"], figures["settled"])

    def close_bar(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None

    def close(self) -> None:
        if self._partial:
            self.feed("\n")
        self.close_bar()
