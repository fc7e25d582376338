"""One-shot two-player matrix games: each player's mixed strategy, its regret against the opponents it
met, and its distance from equilibrium.

Rows: one per seat and episode, with what each of the mover's actions would have earned against the
opponent's actual action (`move_values`). Summary per player (credited decisions only):
- `p_<label>`: the share of its decisions that chose the action labelled so;
- `regret`: per seat, what the best fixed action would have earned against the opponent actions it
  faced, minus what it earned; summed over seats and divided by its decisions;
- `distance`: the total-variation distance of its strategy in each seat from the nearest equilibrium
  strategy of that seat, weighted by its decisions in each seat (matrix_equilibrium says which games have one).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from arena.games.base import Game
from arena.quality.base import Episode, decisions, row
from arena.quality.game_key import load_game_key
from arena.quality.intervals import resamples
from arena.quality.matrix_equilibrium import EquilibriumSet, equilibria, own_payoffs, payoff_tensor


class MatrixEvaluator:
    """Rows: the payoff of each own action against the opponent's. Summary: strategy, regret, distance."""

    name = "matrix"

    def __init__(self) -> None:
        self._payoffs: dict[str, np.ndarray] = {}  # by game key: built once, read for every episode

    def settings(self) -> dict[str, Any]:
        return {"equilibrium": "maximin LP (zero-sum) or iterated strict dominance"}

    def evaluate(self, game: Game, episode: Episode) -> list[dict[str, Any]]:
        settings = json.dumps(self.settings(), sort_keys=True)
        payoffs = self._payoffs.get(game.key)
        if payoffs is None:
            payoffs = self._payoffs[game.key] = payoff_tensor(game.spiel)
        taken = list(decisions(game, episode))
        if len(taken) != 2:
            return []  # forfeited: nobody's payoff is defined by both moves
        out = []
        for d in taken:
            opponent = taken[1 - d.seat]
            state = d.state
            mine = own_payoffs(payoffs, d.seat)[:, state.legal_actions(1 - d.seat).index(opponent.action)]
            own = state.legal_actions(d.seat)
            values = {game.renderer.label(state, d.seat, a): float(mine[i]) for i, a in enumerate(own)}
            value, best = float(mine[own.index(d.action)]), float(mine.max())
            out.append(row(episode, d, self.name, settings, value=value, best_value=best, loss=best - value,
                           optimal=value >= best, move_values=json.dumps(values)))
        return out

    def summarise(self, rows: pd.DataFrame, *, rounds: int, seed: int, level: float) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for (game_key, player), own in rows.groupby(["game_key", "player"], sort=True):
            out.extend(_player_summary(load_game_key(str(game_key)), str(game_key), str(player), own, rounds, seed, level))
        return out


def _player_summary(game: Game, game_key: str, player: str, rows: pd.DataFrame, rounds: int, seed: int,
                    level: float) -> list[dict[str, Any]]:
    fallback = rows["fallback"].fillna(False).astype(bool)
    credited = rows[~fallback]
    state = game.spiel.new_initial_state()
    legal = [state.legal_actions(s) for s in (0, 1)]
    labels = [[game.renderer.label(state, s, a) for a in legal[s]] for s in (0, 1)]
    pooled = list(dict.fromkeys(labels[0] + labels[1]))
    sets = equilibria(game.spiel)
    seat = credited["seat"].to_numpy(int)
    choice = np.array([legal[s].index(a) for s, a in zip(seat, credited["action"].to_numpy(int), strict=True)], int)
    vectors = [json.loads(v) for v in credited["move_values"]]
    earned = credited["value"].to_numpy(float)
    data = _Decisions(seat, choice, [pooled.index(labels[s][c]) for s, c in zip(seat, choice, strict=True)],
                      [np.array([v[lab] for lab in labels[s]]) for s, v in zip(seat, vectors, strict=True)], earned,
                      labels, pooled, sets)
    episode, _ = pd.factorize(credited["episode_id"])
    point = data.metrics(np.ones(len(credited)))
    low, high = _bootstrap(data, episode, rounds, seed, level) if len(credited) else ({}, {})
    note = _note(sets, int(fallback.sum()))
    return [{"game_key": game_key, "player": player, "evaluator": MatrixEvaluator.name, "metric": m, "value": v,
             "ci_low": low.get(m, np.nan), "ci_high": high.get(m, np.nan), "decisions": len(credited),
             "episodes": int(credited["episode_id"].nunique()), "note": note} for m, v in point.items()]


class _Decisions:
    """A player's credited decisions as arrays, and its metrics under any weighting of them."""

    def __init__(self, seat: np.ndarray, choice: np.ndarray, pooled_choice: list[int], vectors: list[np.ndarray],
                 earned: np.ndarray, labels: list[list[str]], pooled: list[str], sets: list[EquilibriumSet] | None):
        self.seat, self.choice, self.pooled_choice = seat, choice, np.array(pooled_choice, int)
        self.vectors = [np.array([v for v, s in zip(vectors, seat, strict=True) if s == k]).reshape(-1, len(labels[k]))
                        for k in (0, 1)]
        self.earned, self.labels, self.pooled, self.sets = earned, labels, pooled, sets

    def metrics(self, weights: np.ndarray) -> dict[str, float]:
        total = weights.sum()
        out = {f"p_{lab}": float(weights[self.pooled_choice == i].sum() / total) if total else np.nan
               for i, lab in enumerate(self.pooled)}
        best = sum(float((self.vectors[k] * weights[self.seat == k, None]).sum(axis=0).max())
                   if (self.seat == k).any() else 0.0 for k in (0, 1))
        out["regret"] = (best - float(weights @ self.earned)) / total if total else np.nan
        out["distance"] = self._distance(weights, total) if self.sets is not None and total else np.nan
        return out

    def _distance(self, weights: np.ndarray, total: float) -> float:
        assert self.sets is not None
        out = 0.0
        for k in (0, 1):
            here = self.seat == k
            mass = weights[here].sum()
            if mass > 0:
                strategy = np.bincount(self.choice[here], weights=weights[here], minlength=len(self.labels[k])) / mass
                out += mass / total * self.sets[k].distance(strategy)
        return out


def _bootstrap(data: _Decisions, episode: np.ndarray, rounds: int, seed: int,
               level: float) -> tuple[dict[str, float], dict[str, float]]:
    if rounds <= 0:
        return {}, {}
    episodes = int(episode.max()) + 1
    draws = pd.DataFrame([data.metrics(np.bincount(idx, minlength=episodes)[episode].astype(float))
                          for idx in resamples(episodes, rounds, seed)])
    tail = (1 - level) / 2
    return draws.quantile(tail).to_dict(), draws.quantile(1 - tail).to_dict()


def _note(sets: list[EquilibriumSet] | None, fallbacks: int) -> str:
    if sets is None:
        parts = ["no equilibrium found (not zero-sum, not solved by iterated strict dominance): no distance"]
    elif sets[0].how == sets[1].how:
        parts = [f"equilibrium: {sets[0].how}"]
    else:
        parts = [f"equilibrium of seat {k}: {s.how}" for k, s in enumerate(sets)]
    if fallbacks:
        parts.append(f"{fallbacks} fallback decision(s) excluded")
    return "; ".join(parts)
