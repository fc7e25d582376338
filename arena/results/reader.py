"""Read a results folder back as pandas DataFrames, deduplicated on episode_id.

A folder of another format version is refused, and so is one whose episodes belong to
tournament definitions its manifest does not record together (arena.results.folder)."""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np
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


def _read(root: ResultsDir, name: str, columns: list[str] | None = None, filter: pc.Expression | None = None,
          dictionaries: tuple[str, ...] = ()) -> pa.Table:
    """`columns` of a table; `dictionaries` are read as dictionary arrays (categories in pandas), never as strings."""
    folder = root.child(name)
    files = folder.list(prefix="part-", suffix=".parquet")  # never the dot-named files being written
    wanted = columns or TABLES[name].names
    if not files:
        return _dictionary_encoded(TABLES[name].empty_table().select(wanted), dictionaries)
    encoded = [c for c in dictionaries if c in wanted]
    schema = _with_dictionaries(TABLES[name], encoded)
    parquet = ds.ParquetFileFormat(read_options=ds.ParquetReadOptions(dictionary_columns=encoded))
    dataset = ds.dataset(files, schema=schema, format=parquet, filesystem=folder.fs)
    return dataset.to_table(columns=columns, filter=filter)


def _with_dictionaries(schema: pa.Schema, names: list[str]) -> pa.Schema:
    return pa.schema([pa.field(f.name, pa.dictionary(pa.int32(), f.type)) if f.name in names else f for f in schema])


def _dictionary_encoded(table: pa.Table, names: tuple[str, ...]) -> pa.Table:
    for name in names:
        if name in table.column_names:
            table = table.set_column(table.column_names.index(name), name, pc.dictionary_encode(table[name]))
    return table


def _winning_plays(episodes: pd.DataFrame) -> pd.DataFrame:
    """One row per episode_id: a finished play beats an errored one, a later one an earlier one.

    Sorted by that rank, then start time. Only the sort keys are copied until the final take, which
    keeps a million-episode load from holding the frame several times over."""
    # Positions, not the index's labels: a frame filtered to one definition keeps its old labels.
    keys = pd.DataFrame({"rank": _ranks(episodes["status"]), "started_at": episodes["started_at"].to_numpy()})
    order = keys.sort_values(["rank", "started_at"], kind="stable").index.to_numpy()
    later = episodes["episode_id"].take(order).duplicated(keep="last").to_numpy()
    return episodes.take(order[~later]).reset_index(drop=True)


def _ranks(status: pd.Series) -> np.ndarray:
    if isinstance(status.dtype, pd.CategoricalDtype):
        lookup = np.array([STATUS_RANK.get(c, 0) for c in status.cat.categories] + [0])
        return lookup[status.cat.codes.to_numpy()]  # code -1 (null) takes the last entry: 0
    return status.map(STATUS_RANK).fillna(0).to_numpy()


LEAN_COLUMNS = {
    "episodes": [c for c in TABLES["episodes"].names if c not in ("players", "returns")],
    "seats": [c for c in TABLES["seats"].names if c not in ("play_id", "tournament", "opponents")],
}
"""What `load(..., lean=True)` keeps: every column the standings and the report read (the episodes'
players and returns are the seats' player and return)."""
_REPEATED = ("tournament", "definition_id", "game", "game_key", "game_params", "player", "player_type", "model",
             "player_spec", "status", "outcome")
"""String columns with a handful of distinct values: categories when lean (a byte per row, not a string)."""


def _checked_episodes(root: ResultsDir, definition: str | None, lean: bool = False) -> pd.DataFrame:
    manifest = read_manifest(root)
    check_format(root, manifest)
    if lean:
        episodes = _lean_pandas(_read(root, "episodes", LEAN_COLUMNS["episodes"], dictionaries=_REPEATED))
    else:
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


def load(path: str | Path | ResultsDir, moves: bool = True, definition: str | None = None,
         lean: bool = False) -> Results:
    """The three tables of a results folder (a path or a URI such as s3://bucket/results/name);
    seats and moves only of the winning play of each episode. `definition` picks the episodes of
    one tournament definition (its definition_id) where a folder holds several.

    `lean` is for folders of millions of episodes: no moves (read them with `scan_moves`), only
    LEAN_COLUMNS, repeated strings as categories, and the seats' `episode_row` (their episode's row
    in `episodes`, so nothing needs to look episodes up by id); about a fifth of the memory."""
    root = as_dir(path)
    if not root.exists():
        raise FileNotFoundError(f"no results folder at {root}")
    if lean:
        return _load_lean(root, definition)
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


def _load_lean(root: ResultsDir, definition: str | None) -> Results:
    episodes = _checked_episodes(root, definition, lean=True)
    ids = pa.array(episodes["episode_id"])
    if pc.count_distinct(ids).as_py() < len(ids):  # retried episodes: keep each one's winning play
        episodes = _winning_plays(episodes)  # (else the rows stay in the order of the files: no copy)
    del ids
    episodes["first_seat"] = episodes["first_seat"].astype("Int8")
    winning = pc.field("play_id").isin(pa.array(episodes["play_id"], pa.string()))
    seats = _batch_by_batch(root, "seats", LEAN_COLUMNS["seats"], winning, rows_in=episodes["episode_id"])
    key = seats["episode_row"].to_numpy(np.int64) * 256 + seats["seat"].to_numpy(np.int64)
    if len(np.unique(key)) < len(key):  # a part written twice
        seats = seats[~pd.Series(key).duplicated().to_numpy()].reset_index(drop=True)
    seats["first_mover"] = seats["first_mover"].astype("boolean")
    give_back_freed_memory()
    return Results(episodes, seats, TABLES["moves"].empty_table().to_pandas())


def give_back_freed_memory() -> None:
    """Return the memory the reading freed to the system: Arrow's pool, and the C heap where the C library
    can trim it (glibc). Without it the freed pages of the read count against every later peak."""
    pa.default_memory_pool().release_unused()
    libc = ctypes.util.find_library("c")
    trim = getattr(ctypes.CDLL(libc), "malloc_trim", None) if libc else None
    if trim is not None:
        trim(0)


def _batch_by_batch(root: ResultsDir, name: str, columns: list[str], where: pc.Expression,
                    rows_in: pd.Series | None = None) -> pd.DataFrame:
    """A table read a record batch at a time, its repeated strings turned into category codes as they come
    (never the strings of every row at once), the rest converted to pandas once, freeing Arrow's copy.
    `rows_in`: add `episode_row`, the row of each row's episode_id in those ids (computed in Arrow)."""
    repeated = [c for c in columns if c in _REPEATED]
    folder = root.child(name)
    files = folder.list(prefix="part-", suffix=".parquet")
    parquet = ds.ParquetFileFormat(read_options=ds.ParquetReadOptions(dictionary_columns=repeated))
    plain_batches: list[pa.RecordBatch] = []
    codes: dict[str, list[np.ndarray]] = {c: [] for c in repeated}
    categories: dict[str, dict[str, int]] = {c: {} for c in repeated}
    if files:
        dataset = ds.dataset(files, schema=_with_dictionaries(TABLES[name], repeated), format=parquet, filesystem=folder.fs)
        for batch in dataset.to_batches(columns=columns, filter=where, use_threads=False):
            for c in repeated:
                column = batch.column(c)
                known = categories[c]
                lookup = np.array([known.setdefault(v, len(known)) for v in column.dictionary.to_pylist()] + [-1])
                indices = column.indices.fill_null(-1).to_numpy(zero_copy_only=False)
                codes[c].append(lookup[indices].astype(np.int32))
            plain_batches.append(batch.drop_columns(repeated))
    plain = [c for c in columns if c not in repeated]
    table = (pa.Table.from_batches(plain_batches) if plain_batches else TABLES[name].empty_table().select(plain))
    del plain_batches
    if rows_in is not None:
        rows = pc.index_in(table["episode_id"], value_set=pa.array(rows_in).cast(table.schema.field("episode_id").type))
        table = table.append_column("episode_row", rows.cast(pa.int32()))
        columns = [*columns, "episode_row"]
    frame = table.to_pandas(self_destruct=True, split_blocks=True)
    del table
    for c in repeated:
        found = np.concatenate(codes[c]) if codes[c] else np.zeros(0, np.int32)
        frame[c] = pd.Categorical.from_codes(found, categories=list(categories[c]))
    return frame[columns]


def _lean_pandas(table: pa.Table) -> pd.DataFrame:
    table = table.unify_dictionaries()  # one set of categories per column over every part file
    return table.to_pandas(self_destruct=True, split_blocks=True)


def completed_episode_ids(path: str | Path | ResultsDir) -> set[str]:
    """Episodes already played to an end (errors are played again on resume)."""
    table = _read(as_dir(path), "episodes", ["episode_id", "status"])
    done = table.filter(pc.is_in(table["status"], pa.array(DONE_STATUSES)))
    return set(done["episode_id"].to_pylist())


def scan_moves(path: str | Path | ResultsDir, plays: Iterable[str] | pd.Series | None = None,
               columns: list[str] | None = None, where: pc.Expression | None = None,
               batch_rows: int = 65_536) -> Iterator[pa.RecordBatch]:
    """The moves rows of `plays` (play_id values; None: every play), `columns` only, a batch at a time.

    Memory stays at one batch whatever the size of the folder; `where` is an extra pyarrow filter,
    e.g. `pc.field("legal") == False`. Duplicate rows (a part written twice) are not removed here.
    """
    folder = as_dir(path).child("moves")
    files = folder.list(prefix="part-", suffix=".parquet")
    if not files:
        return
    wanted = None if plays is None else PlaySet(plays)
    names = columns or TABLES["moves"].names
    read = names if wanted is None or "play_id" in names else [*names, "play_id"]
    # File by file, without threads: a scanner over the whole folder reads ahead of a slow consumer
    # (a report writing thousands of replays) and can come to hold much of the folder.
    for path in files:
        dataset = ds.dataset([path], schema=TABLES["moves"], format="parquet", filesystem=folder.fs)
        for batch in dataset.to_batches(columns=read, filter=where, batch_size=batch_rows, use_threads=False):
            if wanted is not None and batch.num_rows:
                batch = batch.filter(wanted.contains(batch.column("play_id")))
            if batch.num_rows:
                yield batch.select(names)


class PlaySet:
    """Membership in a million play ids, exactly and in little memory: a sorted numpy array of fixed-width
    ids searched with numpy. (An Arrow `is_in` filter rebuilds its hash table of every id for every batch.)
    Each id is stored with a 0x01 byte after it, so the NUL padding of fixed-width bytes never makes two
    ids equal."""

    CHUNK = 65_536

    def __init__(self, plays: Iterable[str] | pd.Series) -> None:
        ids = pa.array(plays if isinstance(plays, pd.Series) else list(plays), pa.string())
        if isinstance(ids, pa.ChunkedArray):
            ids = ids.combine_chunks()
        longest = pc.max(pc.binary_length(ids)).as_py() if len(ids) else 0
        self.width = (longest or 0) + 1
        self.sorted = np.unique(self._fixed(ids))

    def contains(self, ids: pa.Array | pa.ChunkedArray) -> pa.Array:
        if isinstance(ids, pa.ChunkedArray):
            ids = ids.combine_chunks()
        found = np.zeros(len(ids), bool)
        if len(self.sorted) and len(ids):
            fits = pc.less(pc.binary_length(ids), self.width).fill_null(False).to_numpy(zero_copy_only=False)
            mine = self._fixed(pc.filter(ids, pa.array(fits)))
            at = np.minimum(np.searchsorted(self.sorted, mine), len(self.sorted) - 1)
            found[fits] = self.sorted[at] == mine
        return pa.array(found)

    def _fixed(self, ids: pa.Array) -> np.ndarray:
        out = np.empty(len(ids), dtype=f"S{self.width}")
        for start in range(0, len(ids), self.CHUNK):  # a chunk of Python bytes at a time
            chunk = ids.slice(start, self.CHUNK).cast(pa.binary())
            terminated = pc.binary_join_element_wise(chunk, pa.array([b""] * len(chunk), pa.binary()), b"\x01")
            out[start:start + len(chunk)] = terminated.to_numpy(zero_copy_only=False)
        return out
