"""Append-only Parquet part files, published atomically (dot-name, then rename)."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from arena.results.schema import TABLES

# Episodes go last: a reader that sees an episode row also sees its seats and moves.
WRITE_ORDER = ("moves", "seats", "episodes")


def write_parts(root: Path, tables: dict[str, pa.Table]) -> str | None:
    """Write one part file per table; returns the part name, or None when there were no rows."""
    if tables["episodes"].num_rows == 0:
        return None
    part = f"part-{uuid.uuid4().hex[:16]}.parquet"
    for name in WRITE_ORDER:
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{part}.tmp"
        pq.write_table(tables[name].cast(TABLES[name]), tmp, compression="zstd")
        os.replace(tmp, folder / part)
    return part


def write_json_atomic(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str) + "\n")
    os.replace(tmp, path)


def concat(batches: list[dict[str, pa.Table]]) -> dict[str, pa.Table]:
    return {name: pa.concat_tables([b[name] for b in batches]) for name in TABLES}
