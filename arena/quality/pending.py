"""What a quality run has left to do: the finished plays whose game has an evaluator and that have no
rows yet under that evaluator's current settings (arena.quality.store)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from arena.quality.evaluate import finished_plays, game_of
from arena.quality.evaluators import close_evaluator, kind_for, make, settings_of
from arena.quality.settings import QualitySettings
from arena.quality.store import evaluated_plays
from arena.results.location import ResultsDir


@dataclass
class Pending:
    plays: pd.DataFrame  # evaluate.PLAY_COLUMNS of the plays to evaluate
    kinds: dict[str, str]  # evaluator kind by game_key, for the games that have one
    skipped: int = 0  # plays already evaluated under the same settings
    unavailable: list[str] = field(default_factory=list)  # one line per game whose evaluator cannot be made


def pending_plays(results: str | Path | ResultsDir, settings: QualitySettings) -> Pending:
    """The plays a quality run under `settings` still has to evaluate. Plays without rows (a forfeit on
    the first move, a failure) stay pending: a rerun tries them again."""
    plays = finished_plays(results)
    games = plays.drop_duplicates("game_key")
    kinds: dict[str, str] = {}
    done: set[str] = set()
    unavailable: list[str] = []
    for g in games.to_dict("records"):
        kind = kind_for(game_of(g["game"], g["game_params"]), settings)
        if kind is None:
            continue
        if kind in kinds.values():  # one reading of the table per evaluator
            kinds[g["game_key"]] = kind
            continue
        evaluator = None
        try:
            evaluator = make(kind, settings)
            check = getattr(evaluator, "check", None)  # an engine evaluator starts its engine: is it there?
            if check is not None:
                check()
            name, recorded = evaluator.name, settings_of(evaluator)
        except Exception as e:  # noqa: BLE001 - the run goes on with the other games
            unavailable.append(f"{g['game_key']}: {kind} evaluator unavailable: {type(e).__name__}: {e}")
            continue
        finally:
            if evaluator is not None:
                close_evaluator(evaluator)
        done |= evaluated_plays(results, name, recorded)
        kinds[g["game_key"]] = kind
    judged = plays["game_key"].isin(list(kinds))
    already = judged & plays["play_id"].isin(done)
    return Pending(plays[judged & ~already].reset_index(drop=True), kinds, int(already.sum()), unavailable)
