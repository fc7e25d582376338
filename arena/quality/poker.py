"""Poker and other imperfect-information games: how exploitable each player's empirical policy is.

A player's policy is read off its decisions: at each information state it met, the frequency of each
action (pooled over both seats, which a round robin gives it). States it never met are played
uniformly. Its NashConv and exploitability come from OpenSpiel's exact best response, and the interval
from resampling its episodes and recomputing both.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from arena.games.base import Game
from arena.quality.base import Episode, decisions, row
from arena.quality.empirical_policy import PolicySpace, policy_space
from arena.quality.game_key import load_game_key
from arena.quality.intervals import resamples

METRICS = ("exploitability", "nash_conv")


class ExploitabilityEvaluator:
    """Rows: each decision with the mover's information state. Summary: exploitability and NashConv."""

    name = "policy"

    def __init__(self, rounds_cap: int = 200, cap_above_states: int = 100) -> None:
        # Kuhn poker (12 information states) takes 0.2 ms per best response, Leduc (936) about 90 ms.
        self.rounds_cap = rounds_cap
        self.cap_above_states = cap_above_states

    def settings(self) -> dict[str, Any]:
        return {"best_response": "pyspiel.nash_conv", "rounds_cap": self.rounds_cap,
                "cap_above_states": self.cap_above_states}

    def evaluate(self, game: Game, episode: Episode) -> list[dict[str, Any]]:
        settings = json.dumps(self.settings(), sort_keys=True)
        return [row(episode, d, self.name, settings, info_state=d.state.information_state_string(d.seat))
                for d in decisions(game, episode)]

    def summarise(self, rows: pd.DataFrame, *, rounds: int, seed: int, level: float) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for (game_key, player), own in rows.groupby(["game_key", "player"], sort=True):
            space = policy_space(load_game_key(str(game_key)).spiel)
            used = min(rounds, self.rounds_cap) if space.size > self.cap_above_states else rounds
            out.extend(_player_summary(space, str(game_key), str(player), own, used, rounds, seed, level))
        return out


def _player_summary(space: PolicySpace, game_key: str, player: str, rows: pd.DataFrame, rounds: int,
                    asked: int, seed: int, level: float) -> list[dict[str, Any]]:
    fallback = rows["fallback"].fillna(False).astype(bool)
    credited = rows[~fallback]
    unknown = set(credited["info_state"]) - set(space.index)
    if unknown:
        raise ValueError(f"{game_key}: information states not in the game: {sorted(unknown)[:3]}")
    episode, _ = pd.factorize(credited["episode_id"])
    states = credited["info_state"].map(space.index).to_numpy(int)
    actions = credited["action"].to_numpy(int)
    counts = space.counts(states, actions)
    nash_conv, exploitability = space.scores(space.probabilities(counts)) if len(credited) else (np.nan, np.nan)
    values = {"exploitability": exploitability, "nash_conv": nash_conv}
    low, high = _bootstrap(space, episode, states, actions, rounds, seed, level) if len(credited) else ({}, {})
    note = _note(space, counts, int(fallback.sum()), rounds, asked)
    episodes = int(credited["episode_id"].nunique())
    return [{"game_key": game_key, "player": player, "evaluator": ExploitabilityEvaluator.name, "metric": m,
             "value": values[m], "ci_low": low.get(m, np.nan), "ci_high": high.get(m, np.nan),
             "decisions": len(credited), "episodes": episodes, "note": note} for m in METRICS]


def _bootstrap(space: PolicySpace, episode: np.ndarray, states: np.ndarray, actions: np.ndarray, rounds: int,
               seed: int, level: float) -> tuple[dict[str, float], dict[str, float]]:
    """Percentile interval of both metrics over episode resamples: each rebuilds the policy and recomputes."""
    if rounds <= 0:
        return {}, {}
    episodes = int(episode.max()) + 1
    draws = np.array([space.scores(space.probabilities(space.counts(
        states, actions, np.bincount(idx, minlength=episodes)[episode]))) for idx in resamples(episodes, rounds, seed)])
    tail = (1 - level) / 2 * 100
    lows, highs = np.percentile(draws, [tail, 100 - tail], axis=0)
    return ({"nash_conv": float(lows[0]), "exploitability": float(lows[1])},
            {"nash_conv": float(highs[0]), "exploitability": float(highs[1])})


def _note(space: PolicySpace, counts: np.ndarray, fallbacks: int, rounds: int, asked: int) -> str:
    per_state = counts.sum(axis=1)
    visited = per_state[per_state > 0]
    parts = [f"{len(visited)} of {space.size} information states visited"]
    if len(visited):
        parts.append(f"decisions per visited state: min {int(visited.min())}, median {np.median(visited):g}")
    parts.append(f"{space.size - len(visited)} unvisited, played uniformly")
    if rounds != asked:
        parts.append(f"bootstrap capped at {rounds} of {asked} rounds")
    if fallbacks:
        parts.append(f"{fallbacks} fallback decision(s) excluded")
    return "; ".join(parts)
