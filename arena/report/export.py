"""Leaderboards and pairwise tables as CSV and JSON files (every column, every scope)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from arena.report.tables import FEW_GAMES, RECORD_NOTES, Standings


def records(df: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: NaN and missing become null, numpy scalars plain numbers."""
    return json.loads(df.to_json(orient="records", double_precision=10))


def standings_json(s: Standings) -> dict:
    return {
        "method": "Bradley-Terry penalised maximum likelihood (prior N(0, 1000 Elo) on strengths), Elo scale "
                  "(400 log10), draws half a win; intervals: profile likelihood (sandwich-adjusted when pooled), "
                  "widened end by end to the bootstrap percentiles over episodes (stratified by game)",
        "rounds": s.rounds,
        "record_notes": {**RECORD_NOTES, "few_games_threshold": FEW_GAMES},
        "level": s.level,
        "anchor": s.anchor,
        "anchor_rating": {scope: s.anchored_at(scope) for scope in s.anchor},
        "seat_advantage": records(s.seat_advantage),
        "not_rated": s.not_rated,
        "leaderboard": records(s.leaderboard),
    }


def write_tables(s: Standings, out: Path) -> list[Path]:
    """leaderboard.csv/.json and pairwise.csv/.json in `out`; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "leaderboard.csv", out / "leaderboard.json", out / "pairwise.csv", out / "pairwise.json"]
    s.leaderboard.to_csv(paths[0], index=False)
    paths[1].write_text(json.dumps(standings_json(s), indent=1) + "\n")
    s.pairwise.to_csv(paths[2], index=False)
    paths[3].write_text(json.dumps(records(s.pairwise), indent=1) + "\n")
    return paths
