"""Append-only Parquet part files, each published whole (see ResultsDir.publish)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from arena.results.location import ResultsDir, as_dir
from arena.results.schema import TABLES

# Episodes go last: a reader that sees an episode row also sees its seats and moves.
WRITE_ORDER = ("moves", "seats", "episodes")


ROW_GROUP_ROWS = 16_384
"""Rows per Parquet row group: readers decode a row group at a time, and a moves row holds a whole prompt."""


def write_parts(root: str | Path | ResultsDir, tables: dict[str, pa.Table]) -> str | None:
    """Write one part file per table; returns the part name, or None when there were no rows."""
    if tables["episodes"].num_rows == 0:
        return None
    root = as_dir(root)
    part = f"part-{uuid.uuid4().hex[:16]}.parquet"
    for name in WRITE_ORDER:
        table = tables[name].cast(TABLES[name])
        root.child(name).publish(part, lambda stream: pq.write_table(table, stream, compression="zstd",
                                                                     row_group_size=ROW_GROUP_ROWS))
    return part


def write_json_atomic(root: str | Path | ResultsDir, name: str, data: dict) -> None:
    text = (json.dumps(data, indent=2, default=str) + "\n").encode()
    as_dir(root).publish(name, lambda stream: stream.write(text))


def concat(batches: list[dict[str, pa.Table]]) -> dict[str, pa.Table]:
    return {name: pa.concat_tables([b[name] for b in batches]) for name in TABLES}
