"""`arena quality RESULTS`: evaluate what is not yet evaluated, then print the per-player summary;
and the same after a tournament whose config says `quality: true`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from arena.config.errors import ConfigError
from arena.quality.settings import QualitySettings
from arena.quality.summary import as_json, render, summarise_folder
from arena.results.folder import ResultsMismatch, check_format, read_manifest
from arena.results.location import ResultsDir, as_dir, is_uri, shown
from arena.results.reader import completed_episode_ids
from cluster.quality import QualityRun, compute_quality

SHOWN_FAILURES = 5


def quality_settings(**given: Any) -> QualitySettings:
    """Settings from the command's options (None: the default); a bad value is a one-line ConfigError."""
    try:
        return QualitySettings(**{k: v for k, v in given.items() if v is not None})
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        option = f"--{where.replace('_', '-')}: " if where else ""
        raise ConfigError(f"{option}{first['msg'].removeprefix('Value error, ')}") from None


def quality_command(results_dir: str, settings: QualitySettings, *, json_out: bool = False,
                    workers: int | None = None, address: str | None = None, progress: bool = True) -> int:
    where = shown(results_dir) if is_uri(results_dir) else results_dir  # a URI's query may hold credentials
    if workers is not None and workers < 1:
        raise ConfigError(f"--workers: {workers} is less than 1; leave it out to use every CPU of the cluster")
    root = as_dir(results_dir)
    if not root.exists():
        raise ConfigError(f"{where}: no results folder there")
    try:
        check_format(root, read_manifest(root))  # another format version: refused before anything is read
        if not completed_episode_ids(root):
            raise ConfigError(f"{where}: no finished episodes to evaluate (expected episodes/part-*.parquet "
                              f"from 'arena run')")
        run = compute_quality(root, settings=settings, address=address, workers=workers, progress=progress)
    except ResultsMismatch as e:  # another format version, or definitions mixed without a record
        raise ConfigError(str(e)) from None
    return show_quality(root, where, settings, run, json_out=json_out)


def show_quality(root: ResultsDir, where: str | Path, settings: QualitySettings, run: QualityRun, *,
                 json_out: bool = False) -> int:
    """The run's line and failures on stderr; the summary (a table per game, or one JSON document) on stdout."""
    _say(run, where)
    summary = summarise_folder(root, settings)
    if json_out:
        print(as_json(summary, results=str(where), settings=settings.model_dump(), run=run.as_dict()))
    else:
        print(render(summary, settings.level), end="")
    if run.interrupted:
        print("interrupted: the evaluated episodes are saved; run the same command again to resume", file=sys.stderr)
        return 130
    return 0


def _say(run: QualityRun, where: str | Path) -> None:
    skipped = f"; skipped {run.skipped} already evaluated" if run.skipped else ""
    on = f" on {run.workers} workers" if run.workers else ""
    print(f"quality: evaluated {run.decisions} decisions of {run.episodes} episodes in {run.seconds:.1f} s{on}"
          f"{skipped}; {len(run.failures)} failed; table in {where}/quality", file=sys.stderr)
    for reason in run.failures[:SHOWN_FAILURES]:
        print(f"quality: failed: {reason}", file=sys.stderr)
    if len(run.failures) > SHOWN_FAILURES:
        print(f"quality: ... and {len(run.failures) - SHOWN_FAILURES} more failures (run.failure_reasons in --json)",
              file=sys.stderr)
