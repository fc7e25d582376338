"""Read a results folder back as pandas DataFrames, deduplicated on episode_id.

A folder of another format version is refused, and so is one whose episodes belong to
tournament definitions its manifest does not record together (arena.results.folder)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from arena.results.folder import ResultsMismatch, check_format, format_error, read_manifest, recorded_definitions
from arena.results.location import ResultsDir, as_dir
from arena.results.schema import DONE_STATUSES, SCHEMA_VERSION, STATUS_RANK, TABLES


class Results(NamedTuple):
    episodes: pd.DataFrame
    seats: pd.DataFrame
    moves: pd.DataFrame


def _read(root: ResultsDir, name: str, columns: list[str] | None = None) -> pa.Table:
    folder = root.child(name)
    files = folder.list(prefix="part-", suffix=".parquet")  # never the dot-named files being written
    if not files:
        return TABLES[name].empty_table().select(columns or TABLES[name].names)
    return ds.dataset(files, schema=TABLES[name], format="parquet", filesystem=folder.fs).to_table(columns=columns)


def _winning_plays(episodes: pd.DataFrame) -> pd.DataFrame:
    """One row per episode_id: a finished play beats an errored one, a later one an earlier one."""
    ranked = episodes.assign(_rank=episodes["status"].map(STATUS_RANK).fillna(0))
    ranked = ranked.sort_values(["_rank", "started_at"], kind="stable")
    return ranked.drop_duplicates("episode_id", keep="last").drop(columns="_rank").reset_index(drop=True)


def _checked_episodes(root: ResultsDir, definition: str | None) -> pd.DataFrame:
    manifest = read_manifest(root)
    check_format(root, manifest)
    episodes = _read(root, "episodes").to_pandas()
    versions = set(episodes["schema_version"].dropna().unique())
    if versions - {SCHEMA_VERSION}:
        raise format_error(root, ", ".join(map(str, sorted(versions - {SCHEMA_VERSION}))))
    if definition is not None:
        return episodes[episodes["definition_id"] == definition]
    found = set(episodes["definition_id"])
    if manifest is not None and found - recorded_definitions(manifest):
        raise ResultsMismatch(f"{root}: holds episodes of tournament definitions its manifest.json does not record "
                              f"({', '.join(sorted(map(str, found - recorded_definitions(manifest))))}); "
                              f"pass definition=ID to load one of them")
    if manifest is None and len(found) > 1:
        raise ResultsMismatch(f"{root}: holds episodes of {len(found)} tournament definitions "
                              f"({', '.join(sorted(map(str, found)))}) and no manifest.json that records them "
                              f"together; pass definition=ID to load one of them")
    return episodes


def load(path: str | Path | ResultsDir, moves: bool = True, definition: str | None = None) -> Results:
    """The three tables of a results folder (a path or a URI such as s3://bucket/results/name);
    seats and moves only of the winning play of each episode. `definition` picks the episodes of
    one tournament definition (its definition_id) where a folder holds several."""
    root = as_dir(path)
    if not root.exists():
        raise FileNotFoundError(f"no results folder at {root}")
    episodes = _winning_plays(_checked_episodes(root, definition))
    episodes["first_seat"] = episodes["first_seat"].astype("Int8")  # nullable: simultaneous first moves
    plays = set(episodes["play_id"])
    seats = _read(root, "seats").to_pandas()
    seats = seats[seats["play_id"].isin(plays)].drop_duplicates(["play_id", "seat"]).reset_index(drop=True)
    seats["first_mover"] = seats["first_mover"].astype("boolean")
    if moves:
        move_rows = _read(root, "moves").to_pandas()
        move_rows = move_rows[move_rows["play_id"].isin(plays)]
        move_rows = move_rows.drop_duplicates(["play_id", "move_number", "seat", "attempt"]).reset_index(drop=True)
    else:
        move_rows = TABLES["moves"].empty_table().to_pandas()
    return Results(episodes, seats, move_rows)


def completed_episode_ids(path: str | Path | ResultsDir) -> set[str]:
    """Episodes already played to an end (errors are played again on resume)."""
    table = _read(as_dir(path), "episodes", ["episode_id", "status"])
    done = table.filter(pc.is_in(table["status"], pa.array(DONE_STATUSES)))
    return set(done["episode_id"].to_pylist())
