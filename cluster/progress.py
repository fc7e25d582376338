"""Live progress bar: episodes done/total, rate, ETA and errors. Without a terminal (a Ray job's
log, a CI log) a plain line every LOG_EVERY_S seconds instead, which `arena submit --wait` shows."""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

LOG_EVERY_S = 30.0


class EpisodeProgress:
    def __init__(self, total: int, enabled: bool = True):
        self.console = Console(stderr=True)
        self.enabled = enabled
        self.errors = 0
        self.done = 0
        self.total = total
        self.log_lines = enabled and not sys.stderr.isatty()
        self._started = self._logged = time.monotonic()
        self._progress = Progress(
            TextColumn("[bold]episodes"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:>8.1f}/s"), TextColumn("ETA"), TimeRemainingColumn(),
            TimeElapsedColumn(), TextColumn("errors: {task.fields[errors]}"),
            console=self.console, disable=not enabled or self.log_lines, refresh_per_second=4,
            redirect_stdout=False, redirect_stderr=False, transient=not sys.stderr.isatty(),
        )
        self._task = self._progress.add_task("episodes", total=total, rate=0.0, errors=0)

    def __enter__(self) -> EpisodeProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.stop()

    def advance(self, episodes: int, errors: int) -> None:
        self.done += episodes
        self.errors += errors
        task = self._progress.tasks[0]
        elapsed = task.elapsed or 1e-9
        self._progress.update(self._task, advance=episodes, errors=self.errors, rate=self.done / elapsed)
        now = time.monotonic()
        if self.log_lines and (now - self._logged >= LOG_EVERY_S or self.done >= self.total):
            self._logged = now
            rate = self.done / max(now - self._started, 1e-9)
            eta = (self.total - self.done) / rate if rate else float("inf")
            print(f"episodes {self.done}/{self.total} ({100 * self.done / max(self.total, 1):.0f}%), {rate:.1f}/s, "
                  f"ETA {eta:.0f} s, errors: {self.errors}", file=sys.stderr, flush=True)
