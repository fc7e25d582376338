"""The per-player move-quality summary of a results folder, as a frame, as terminal tables and as JSON.

The summary reports the evaluation made under the settings it is given (those of the command that
computed it): rows under other settings stay in the quality table for pandas but are never mixed
in. Only the winning play of each finished episode counts, as in the ratings.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table

from arena.quality.base import SUMMARY_COLUMNS, Evaluator
from arena.quality.evaluate import game_of
from arena.quality.evaluators import close_evaluator, kind_for, make, settings_of
from arena.quality.settings import QualitySettings
from arena.quality.store import rows_under
from arena.results.location import ResultsDir
from arena.results.reader import load
from arena.results.schema import DONE_STATUSES


def none_row(game_key: str, note: str) -> dict[str, Any]:
    """The one row of a game nothing was measured for: metric "none", no value, and why."""
    out: dict[str, Any] = dict.fromkeys(SUMMARY_COLUMNS)
    out.update(game_key=game_key, metric="none", value=float("nan"), ci_low=float("nan"), ci_high=float("nan"),
               decisions=0, episodes=0, note=note)
    return out


def summarise_folder(results: str | Path | ResultsDir, settings: QualitySettings) -> pd.DataFrame:
    """SUMMARY_COLUMNS rows for every game of the folder: its evaluator's summary of the quality rows under
    `settings`, or one "none" row saying why there is none."""
    episodes = load(results, moves=False, lean=True).episodes
    finished = episodes[episodes["status"].isin([str(s) for s in DONE_STATUSES])]
    plays = set(finished["play_id"].astype(str))
    games = episodes[["game", "game_key", "game_params"]].astype(object).drop_duplicates("game_key")
    made: dict[str, tuple[Evaluator, dict[str, Any]] | Exception] = {}
    out: list[dict[str, Any]] = []
    try:
        for g in sorted(games.to_dict("records"), key=lambda g: g["game_key"]):
            out.extend(_game_rows(results, g, plays, settings, made))
    finally:
        for found in made.values():
            if not isinstance(found, Exception):
                close_evaluator(found[0])
    return pd.DataFrame(out, columns=SUMMARY_COLUMNS)


def _game_rows(results: str | Path | ResultsDir, g: dict[str, Any], plays: set[str], settings: QualitySettings,
               made: dict[str, tuple[Evaluator, dict[str, Any]] | Exception]) -> list[dict[str, Any]]:
    key = g["game_key"]
    kind = kind_for(game_of(g["game"], g["game_params"]), settings)
    if kind is None:
        return [none_row(key, f"no move-quality evaluator for {g['game']}")]
    if kind not in made:
        made[kind] = _made(kind, settings)
    found = made[kind]
    if isinstance(found, Exception):
        return [none_row(key, f"{kind} evaluator unavailable: {type(found).__name__}: {found}")]
    evaluator, recorded = found
    rows = rows_under(results, evaluator.name, recorded, key)
    rows = rows[rows["play_id"].isin(plays)]
    if rows.empty:
        return [none_row(key, f"no decisions of {key} evaluated by {evaluator.name} under these settings")]
    summary = evaluator.summarise(rows, rounds=settings.rounds, seed=settings.seed, level=settings.level)
    return [{**dict.fromkeys(SUMMARY_COLUMNS), "game_key": key, "evaluator": evaluator.name, **r} for r in summary]


def _made(kind: str, settings: QualitySettings) -> tuple[Evaluator, dict[str, Any]] | Exception:
    """The evaluator and the settings its rows record, or why there is none (an engine that is not installed)."""
    evaluator = None
    try:
        evaluator = make(kind, settings)
        return evaluator, settings_of(evaluator)  # an engine's settings name its version: asking starts it
    except Exception as e:  # noqa: BLE001 - said in the summary, in place of the game's numbers
        if evaluator is not None:
            close_evaluator(evaluator)
        return e


def _number(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    v = float(value)
    if abs(v) >= 10:
        return f"{v:.{0 if abs(v) >= 100 else 1}f}"
    return f"{v:.3g}"


def render(summary: pd.DataFrame, level: float = 0.95) -> str:
    """One table per game: player, metric, value with its interval, decisions, episodes; then its notes."""
    console = Console(record=True, width=120, file=io.StringIO())
    for key, rows in summary.groupby("game_key", sort=True):
        evaluators = sorted({str(e) for e in rows["evaluator"].dropna()})
        title = f"Move quality: {key}" + (f" ({', '.join(evaluators)})" if evaluators else "")
        measured = rows[rows["metric"] != "none"]
        if measured.empty:
            console.print(f"{title}\n  " + "\n  ".join(str(n) for n in rows["note"].dropna()) + "\n")
            continue
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False)
        for name, justify in (("player", "left"), ("metric", "left"), ("value", "right"), (f"{level:.0%} CI", "right"),
                              ("decisions", "right"), ("episodes", "right")):
            table.add_column(name, justify=justify)  # type: ignore[arg-type]
        for r in measured.to_dict("records"):
            ci = "" if _number(r["ci_low"]) == "-" else f"{_number(r['ci_low'])}–{_number(r['ci_high'])}"
            table.add_row(str(r["player"]), str(r["metric"]), _number(r["value"]), ci, _count(r["decisions"]),
                          _count(r["episodes"]))
        console.print(table)
        noted = measured.dropna(subset=["note"]).drop_duplicates(["player", "note"])
        for player, note in zip(noted["player"], noted["note"], strict=True):  # whose sample a note is about
            if str(note):
                console.print(f"  note ({player}): {note}")
        console.print()
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"


def _count(value: Any) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else str(int(value))


def as_json(summary: pd.DataFrame, **extra: Any) -> str:
    """One JSON document: `extra` (the results folder, the settings, the run's counts) and the summary rows,
    with null where a value is missing."""
    records = [{k: _plain(v) for k, v in r.items()} for r in summary.to_dict("records")]
    return json.dumps({**extra, "summary": records}, indent=2, default=str)


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    if value is pd.NA:
        return None
    return value
