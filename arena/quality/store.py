"""The quality table on disk: `<results>/quality/part-*.parquet`, beside the three play tables.

Part files are published whole, like the play tables' (ResultsDir.publish), on a local folder or an
object store alike. The table only grows: a play evaluated again under other settings adds rows
beside the old ones, and readers pick one evaluation by its (evaluator, settings). Resuming rests on
the same key: a play with rows under the evaluator's current settings is not evaluated again.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from arena.quality.base import KEY, QUALITY
from arena.results.location import ResultsDir, as_dir
from arena.results.writer import ROW_GROUP_ROWS

FOLDER = "quality"


def write_part(results: str | Path | ResultsDir, table: pa.Table) -> str | None:
    """Publish `table` as one new part file; returns its name, or None when there were no rows."""
    if table.num_rows == 0:
        return None
    table = table.select(QUALITY.names).cast(QUALITY)
    part = f"part-{uuid.uuid4().hex[:16]}.parquet"
    as_dir(results).child(FOLDER).publish(
        part, lambda stream: pq.write_table(table, stream, compression="zstd", row_group_size=ROW_GROUP_ROWS))
    return part


def read_quality(results: str | Path | ResultsDir, columns: list[str] | None = None,
                 where: pc.Expression | None = None) -> pa.Table:
    """The quality table (`columns` of the rows matching `where`); empty when nothing was evaluated."""
    folder = as_dir(results).child(FOLDER)
    files = folder.list(prefix="part-", suffix=".parquet")  # never the dot-named files being written
    if not files:
        return QUALITY.empty_table().select(columns or QUALITY.names)
    dataset = ds.dataset(files, schema=QUALITY, format="parquet", filesystem=folder.fs)
    return dataset.to_table(columns=columns, filter=where)


def _same_settings(recorded: str | None, wanted: dict[str, Any]) -> bool:
    """Settings compare as JSON values, not as text: key order or spacing makes no new evaluation."""
    try:
        return recorded is not None and json.loads(recorded) == wanted
    except ValueError:
        return False


def _under(results: str | Path | ResultsDir, evaluator: str, settings: dict[str, Any]) -> pc.Expression | None:
    """A filter for the rows of `evaluator` under `settings`; None when there are none."""
    pairs = read_quality(results, ["evaluator", "settings"], pc.field("evaluator") == evaluator)
    texts = [t for t in pc.unique(pairs["settings"]).to_pylist() if _same_settings(t, settings)]
    if not texts:
        return None
    return (pc.field("evaluator") == evaluator) & pc.field("settings").isin(pa.array(texts, pa.string()))


def evaluated_plays(results: str | Path | ResultsDir, evaluator: str, settings: dict[str, Any]) -> set[str]:
    """The play_ids that already have rows of `evaluator` under `settings`: what a resumed run skips."""
    where = _under(results, evaluator, settings)
    if where is None:
        return set()
    return set(pc.unique(read_quality(results, ["play_id"], where)["play_id"]).to_pylist())


def rows_under(results: str | Path | ResultsDir, evaluator: str, settings: dict[str, Any],
               game_key: str | None = None) -> pd.DataFrame:
    """The rows of `evaluator` under `settings` (of one game when `game_key` is given), one per decision."""
    where = _under(results, evaluator, settings)
    if where is None:
        return QUALITY.empty_table().to_pandas()
    if game_key is not None:
        where = where & (pc.field("game_key") == game_key)
    # Two runs that evaluated the same play at once both wrote it: the same decision counts once.
    return read_quality(results, where=where).to_pandas().drop_duplicates(KEY).reset_index(drop=True)
