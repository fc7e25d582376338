"""The iterated prisoner's dilemma: how each player cooperates, retaliates and forgives.

Descriptors per player, over its credited decisions (a move the arena chose is history, never credit):
- `cooperation`: cooperations / decisions;
- `first_move_cooperation`: cooperations / decisions in the first round;
- `retaliation`: defections / decisions right after the opponent defected;
- `forgiveness`: cooperations / decisions right after the opponent defected (1 - retaliation: the same
  denominator, judged on the opponent's previous move alone);
- `p_cc`, `p_cd`, `p_dc`, `p_dd`: cooperations / decisions right after the round (own move, opponent's
  move) = (C, C), (C, D), (D, C), (D, D): the memory-one vector (p1, p2, p3, p4) of Nowak & Sigmund (1993),
  Press & Dyson (2012) and Stewart & Plotkin (2012), which the Axelrod library reports as the normalised
  state-to-action distribution.
The `decisions` column of each metric is its denominator; intervals resample episodes.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from arena.games.base import Game
from arena.quality.base import Episode, decisions, row
from arena.quality.game_key import load_game_key
from arena.quality.intervals import ratio_interval

_AFTER = {"p_cc": (True, True), "p_cd": (True, False), "p_dc": (False, True), "p_dd": (False, False)}


class IteratedPDEvaluator:
    """Rows: each decision as played. Summary: cooperation, retaliation, forgiveness, memory-one vector."""

    name = "ipd"

    def settings(self) -> dict[str, Any]:
        return {"descriptors": "cooperation, first move, retaliation, forgiveness, memory-one"}

    def evaluate(self, game: Game, episode: Episode) -> list[dict[str, Any]]:
        settings = json.dumps(self.settings(), sort_keys=True)
        return [row(episode, d, self.name, settings) for d in decisions(game, episode)]

    def summarise(self, rows: pd.DataFrame, *, rounds: int, seed: int, level: float) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for game_key, of_game in rows.groupby("game_key", sort=True):
            with_history = _with_previous_round(of_game, _cooperate_action(load_game_key(str(game_key))))
            for player, own in with_history.groupby("player", sort=True):
                out.extend(_player_summary(str(game_key), str(player), own, rounds, seed, level))
        return out


def _cooperate_action(game: Game) -> int:
    state = game.spiel.new_initial_state()
    names = {state.action_to_string(0, a).lower(): a for a in state.legal_actions(0)}
    return names["cooperate"]


def _with_previous_round(rows: pd.DataFrame, cooperate: int) -> pd.DataFrame:
    """`rows` plus whether the mover cooperated, and both moves of the round before (NaN in the first)."""
    out = rows.assign(cooperated=rows["action"].astype(int) == cooperate)
    before = out[["play_id", "move_number", "seat", "cooperated"]].assign(move_number=out["move_number"] + 1)
    own = before.rename(columns={"cooperated": "own_before"})
    theirs = before.assign(seat=1 - before["seat"]).rename(columns={"cooperated": "opponent_before"})
    return (out.merge(own, on=["play_id", "move_number", "seat"], how="left")
               .merge(theirs, on=["play_id", "move_number", "seat"], how="left"))


def _player_summary(game_key: str, player: str, rows: pd.DataFrame, rounds: int, seed: int,
                    level: float) -> list[dict[str, Any]]:
    fallback = rows["fallback"].fillna(False).astype(bool)
    r = rows[~fallback]
    cooperated = r["cooperated"].to_numpy(bool)
    later = r["opponent_before"].notna().to_numpy()
    own_before = r["own_before"].fillna(False).to_numpy(bool)
    opponent_before = r["opponent_before"].fillna(False).to_numpy(bool)
    provoked = later & ~opponent_before
    # metric -> (counted decisions, denominator decisions)
    ratios = {
        "cooperation": (cooperated, np.ones(len(r), bool)),
        "first_move_cooperation": (cooperated, (r["move_number"] == 0).to_numpy()),
        "retaliation": (~cooperated, provoked),
        "forgiveness": (cooperated, provoked),
        **{m: (cooperated, later & (own_before == mine) & (opponent_before == theirs))
           for m, (mine, theirs) in _AFTER.items()},
    }
    episode = r["episode_id"].to_numpy()
    note = f"{int(fallback.sum())} fallback decision(s) excluded" if fallback.any() else None
    out = []
    for metric, (hit, among) in ratios.items():
        per_episode = pd.DataFrame({"e": episode, "num": hit & among, "den": among}).groupby("e").sum()
        value, low, high = ratio_interval(per_episode["num"].to_numpy(), per_episode["den"].to_numpy(),
                                          rounds=rounds, seed=seed, level=level)
        out.append({"game_key": game_key, "player": player, "evaluator": IteratedPDEvaluator.name, "metric": metric,
                    "value": value, "ci_low": low, "ci_high": high, "decisions": int(among.sum()),
                    "episodes": int(pd.Series(episode).nunique()), "note": note})
    return out
