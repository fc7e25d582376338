"""The summary of evaluators that judge each decision on its own (solver, chess engine): per player and
game, each metric a mean over the player's own decisions with an episode-bootstrap interval."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from arena.quality.base import SUMMARY_COLUMNS
from arena.quality.intervals import ratio_interval

PerRow = Callable[[pd.DataFrame], pd.Series]
"""A metric's value on each quality row (the player's own decisions); the summary averages it per decision."""


def summarise_decisions(rows: pd.DataFrame, evaluator: str, metrics: Mapping[str, PerRow], *, rounds: int,
                        seed: int, level: float) -> list[dict[str, Any]]:
    """SUMMARY_COLUMNS rows: for each (game_key, player) and metric, the mean of `metrics[metric]` over the
    player's decisions. Moves the arena chose for the player (`fallback`) are left out and counted in the note."""
    out = []
    for (game_key, player), g in rows.groupby(["game_key", "player"], sort=True):
        fallback = g["fallback"].fillna(False).astype(bool)
        own = g[~fallback]
        per_episode = pd.DataFrame({"episode_id": own["episode_id"], "decisions": 1.0,
                                    **{m: f(own).astype(float) for m, f in metrics.items()}}
                                   ).groupby("episode_id").sum()
        excluded = int(fallback.sum())
        note = f"{excluded} arena-chosen move{'s' if excluded != 1 else ''} excluded" if excluded else None
        base = {"game_key": game_key, "player": player, "evaluator": evaluator,
                "decisions": int(per_episode["decisions"].sum()), "episodes": len(per_episode), "note": note}
        den = per_episode["decisions"].to_numpy()
        for metric in metrics:
            value, low, high = ratio_interval(per_episode[metric].to_numpy(), den, rounds=rounds, seed=seed,
                                              level=level)
            found = {**base, "metric": metric, "value": _null(value), "ci_low": _null(low), "ci_high": _null(high)}
            out.append({c: found[c] for c in SUMMARY_COLUMNS})
    return out


def _null(x: float) -> float | None:
    return None if math.isnan(x) else x
