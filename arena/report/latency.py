"""Seconds per model call, read from the moves a batch at a time: a folder's moves never fit in memory whole.

The same figures as `arena.report.tables` computes from a loaded moves table: mean and 95th percentile
(linear interpolation, as pandas' quantile) of `latency_s` over the moves rows with a prompt (model
calls), per game and pooled. Only the seconds are kept: 8 bytes per call.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from arena.ratings import POOLED
from arena.results.location import ResultsDir
from arena.results.reader import scan_moves

COLUMNS = ["scope", "player", "latency_mean_s", "latency_p95_s"]


def call_latency(root: str | Path | ResultsDir, plays: pd.Series) -> pd.DataFrame:
    """scope, player, latency_mean_s, latency_p95_s over the model calls of `plays` (play_id values)."""
    seconds: dict[tuple[str, str], list[np.ndarray]] = defaultdict(list)
    for batch in scan_moves(root, plays=plays.astype(str), columns=["game_key", "player", "latency_s"],
                            where=pc.field("prompt").is_valid()):
        frame = batch.to_pandas()
        for (game, player), g in frame.groupby(["game_key", "player"], sort=False):
            seconds[(str(game), str(player))].append(g["latency_s"].to_numpy(float))
    rows = []
    pooled: dict[str, list[np.ndarray]] = defaultdict(list)
    for (game, player), parts in seconds.items():
        rows.append(_row(game, player, parts))
        pooled[player] += parts
    rows += [_row(POOLED, player, parts) for player, parts in pooled.items()]
    return pd.DataFrame(rows, columns=COLUMNS)


def _row(scope: str, player: str, parts: list[np.ndarray]) -> tuple[str, str, float, float]:
    values = np.concatenate(parts)
    values = values[~np.isnan(values)]
    if not len(values):
        return scope, player, np.nan, np.nan
    return scope, player, float(values.mean()), float(np.quantile(values, 0.95))
