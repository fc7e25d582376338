"""Which tournament a results folder holds, checked before anything reads or writes it.

Two guarantees rest here: a folder of another format version is refused, never
read with the wrong meaning or mixed with new rows; and a folder holds one
tournament definition (arena.results.definition), grown only by explicit extensions
that its manifest records.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow.dataset as ds

from arena.config.models import Tournament
from arena.results.definition import definition, definition_id, differences, not_an_extension
from arena.results.location import ResultsDir
from arena.results.schema import SCHEMA_VERSION

MANIFEST = "manifest.json"
_SHOW = 3  # changes named in one error line


class ResultsMismatch(ValueError):
    """The folder holds something this run or reader must not mix with (one line, says what to do)."""


def read_manifest(root: ResultsDir) -> dict[str, Any] | None:
    text = root.read_text(MANIFEST)
    return json.loads(text) if text else None


def format_error(root: ResultsDir, version: object) -> ResultsMismatch:
    return ResultsMismatch(
        f"{root}: written in results format version {version}; this arena reads version {SCHEMA_VERSION} only. "
        f"Read it with the release that wrote it (format 1: board-game-arena 0.1.x), or play the tournament "
        f"again under a new name")


def check_format(root: ResultsDir, manifest: dict[str, Any] | None) -> None:
    if manifest is not None and manifest.get("schema_version") != SCHEMA_VERSION:
        raise format_error(root, manifest.get("schema_version"))


def _written_without_manifest(root: ResultsDir) -> None:
    """Parts but no manifest: a folder of an older format, or one whose manifest was removed."""
    files = root.child("episodes").list(prefix="part-", suffix=".parquet")
    if not files:
        return
    versions = ds.dataset(files, format="parquet", filesystem=root.fs).to_table(columns=["schema_version"])
    found = set(versions["schema_version"].to_pylist())
    if found != {SCHEMA_VERSION}:
        raise format_error(root, ", ".join(map(str, sorted(v for v in found if v is not None))) or "unknown")
    raise ResultsMismatch(f"{root}: has results but no {MANIFEST}, so which tournament they belong to is unknown; "
                          f"use a new name (or output_dir) for this tournament")


def _listed(changes: list[str]) -> str:
    more = f"; and {len(changes) - _SHOW} more" if len(changes) > _SHOW else ""
    return "; ".join(changes[:_SHOW]) + more


def check_definition(root: ResultsDir, t: Tournament, extend: bool = False) -> tuple[dict | None, list[str]]:
    """The folder's manifest (None for a new folder) and the changes this run makes to its definition
    (empty for a new folder or a resume). Raises ResultsMismatch when the run must not write here."""
    manifest = read_manifest(root)
    if manifest is None:
        _written_without_manifest(root)
        return None, []
    check_format(root, manifest)
    old, new = manifest["definition"], definition(t)
    if old == new:
        return manifest, []
    changes = differences(old, new)
    if not extend:
        raise ResultsMismatch(
            f"{root} holds another definition of tournament '{t.name}' ({_listed(changes)}); nothing was written. "
            f"Use a new name for the changed tournament, or --extend to add players, games or episodes to this one")
    refused = not_an_extension(old, new)
    if refused:
        raise ResultsMismatch(
            f"{root}: --extend only adds players, games or episodes, but this changes what was played "
            f"({_listed(refused)}); nothing was written. Use a new name for the changed tournament")
    return manifest, changes


def pending_episodes(t: Tournament, root: ResultsDir, done: set[str] | None = None) -> int:
    """How many of the tournament's episodes are not yet played to an end in `root` (`done`: the ids of
    those that are, when the caller has read them); for an adaptive schedule, at most how many (0 once it stopped)."""
    from arena.results.reader import completed_episode_ids
    from arena.schedule import episodes

    done = completed_episode_ids(root) if done is None else done
    if t.schedule.mode == "adaptive":
        from arena.adaptive.record import ScheduleRecord

        return ScheduleRecord.read(root).pending(t, done)
    return sum(spec.episode_id not in done for spec in episodes(t))


def recorded_definitions(manifest: dict[str, Any]) -> set[str]:
    """Every definition whose episodes the folder may hold: the first and each recorded extension."""
    return {entry["definition_id"] for entry in manifest.get("history", [])} | {manifest["definition_id"]}


def current_definition_id(t: Tournament) -> str:
    return definition_id(definition(t))
