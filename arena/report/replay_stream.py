"""The moves rows of chosen plays, one play at a time, read in one pass over the moves table.

A results folder may hold millions of episodes, so its moves are never loaded whole. The writer
puts each play's rows together in one part file, so in the scan's (ordered) stream a play is
complete once another play starts: only that one play's rows are held at a time. A play that shows
up again after it was handed out (a part written twice, or rows of one play in two parts) is read
again at the end, a few hundred plays at a time, and handed out once more with all its rows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from itertools import groupby
from pathlib import Path
from typing import Any

import pyarrow as pa

from arena.results.location import ResultsDir
from arena.results.reader import scan_moves

PlayRows = tuple[str, list[dict[str, Any]]]
REREAD_PLAYS = 500  # plays read together when read again: bounds the memory of that second pass


def play_rows(root: str | Path | ResultsDir, plays: Collection[str], columns: list[str]) -> Iterator[PlayRows]:
    """(play_id, its rows as dicts) for each of `plays` that has moves rows; `columns` must include play_id.
    A play is handed out again, complete, when its rows were not all together (see above)."""
    if not plays:
        return
    handed_out: set[str] = set()
    again: set[str] = set()
    current: str | None = None
    held: list[pa.RecordBatch] = []
    for batch in scan_moves(root, plays=plays, columns=columns):
        ids = batch.column("play_id").to_pylist()
        start = 0
        for play, run in groupby(ids):
            length = sum(1 for _ in run)
            if play != current:
                if current is not None:
                    yield current, pa.Table.from_batches(held).to_pylist()
                    handed_out.add(current)
                current, held = None, []
                if play in handed_out:
                    again.add(play)
                else:
                    current = play
            if current is not None:
                held.append(batch.slice(start, length))
            start += length
    if current is not None:
        yield current, pa.Table.from_batches(held).to_pylist()
    yield from _reread(root, sorted(again), columns)


def _reread(root: str | Path | ResultsDir, plays: list[str], columns: list[str]) -> Iterator[PlayRows]:
    for first in range(0, len(plays), REREAD_PLAYS):
        chunk = plays[first:first + REREAD_PLAYS]
        rows = [row for batch in scan_moves(root, plays=chunk, columns=columns) for row in batch.to_pylist()]
        rows.sort(key=lambda row: row["play_id"])
        for play, found in groupby(rows, key=lambda row: row["play_id"]):
            yield play, list(found)
