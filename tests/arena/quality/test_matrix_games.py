"""Strategy, regret and distance from equilibrium in one-shot matrix games."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyspiel
import pytest

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: no package to import from
from swapped_episodes import FixedAction, play_swapped, random_players  # noqa: E402

from arena.games import load_game  # noqa: E402
from arena.quality.matrix_equilibrium import equilibria  # noqa: E402
from arena.quality.matrix_games import MatrixEvaluator  # noqa: E402

ROCK, PAPER, SCISSORS = 0, 1, 2
COOPERATE, DEFECT = 0, 1


def _rows(game_name: str, episodes: list) -> pd.DataFrame:
    game, evaluator = load_game(game_name), MatrixEvaluator()
    return pd.DataFrame([r for e in episodes for r in evaluator.evaluate(game, e)])


def _summary(rows: pd.DataFrame, rounds: int = 200) -> dict[tuple[str, str], dict]:
    return {(r["player"], r["metric"]): r for r in MatrixEvaluator().summarise(rows, rounds=rounds, seed=0, level=0.95)}


def _opponent_actions(episodes: list, player: str) -> list[tuple[int, int]]:
    """(seat of `player`, the opponent's action) in every episode."""
    out = []
    for e in episodes:
        seat = e.players.index(player)
        moves = e.moves
        out.append((seat, int(moves[moves["seat"] == 1 - seat]["action"].iloc[0])))
    return out


def test_always_rock_against_random():
    episodes = play_swapped("matrix_rps", [("rock", FixedAction(ROCK)), *random_players("random")], 400, seed=2)
    s = _summary(_rows("matrix_rps", episodes))
    assert s["rock", "p_rock"]["value"] == 1 and s["rock", "p_paper"]["value"] == 0
    assert s["rock", "distance"]["value"] == pytest.approx(2 / 3)  # TV from (1/3, 1/3, 1/3): 1 - 1/3
    # Regret by hand: in each seat, against opponent counts (r, p, s), rock earns s - p, paper r - s, scissors p - r.
    regret = 0.0
    for seat in (0, 1):
        faced = [a for k, a in _opponent_actions(episodes, "rock") if k == seat]
        r, p, sc = (faced.count(a) for a in (ROCK, PAPER, SCISSORS))
        regret += max(sc - p, r - sc, p - r) - (sc - p)
    assert s["rock", "regret"]["value"] == pytest.approx(regret / 400)
    assert s["rock", "regret"]["value"] > 0
    low, high = s["rock", "regret"]["ci_low"], s["rock", "regret"]["ci_high"]
    assert low <= s["rock", "regret"]["value"] <= high and high > low
    assert s["rock", "distance"]["ci_low"] == pytest.approx(2 / 3) and s["rock", "distance"]["decisions"] == 400


def test_uniform_random_is_near_equilibrium():
    s = _summary(_rows("matrix_rps", play_swapped("matrix_rps", random_players("a", "b"), 1000, seed=4)))
    # n = 500 uniform draws per seat: E[TV] is about 0.56 / sqrt(n) = 0.025 with sd about 0.012; always rock: 2/3.
    for player in ("a", "b"):
        assert s[player, "distance"]["value"] < 0.065
        assert s[player, "p_rock"]["value"] == pytest.approx(1 / 3, abs=0.05)
        assert "unique, by linear programming" in s[player, "distance"]["note"]


def test_prisoners_dilemma_distance_and_regret():
    episodes = play_swapped("matrix_pd", [("c", FixedAction(COOPERATE)), ("d", FixedAction(DEFECT))], 20, seed=1)
    s = _summary(_rows("matrix_pd", episodes), rounds=50)
    assert s["d", "distance"]["value"] == 0 and s["d", "regret"]["value"] == 0  # defecting dominates
    assert s["c", "distance"]["value"] == 1
    assert s["c", "regret"]["value"] == 1  # defecting against a defector earns 1 more than cooperating (1 vs 0)
    assert "iterated strict dominance" in s["c", "distance"]["note"]


def test_fallback_decisions_are_not_credited():
    rows = _rows("matrix_rps", play_swapped("matrix_rps", [("rock", FixedAction(ROCK)), *random_players("r")], 10, 1))
    rows.loc[(rows["player"] == "rock") & (rows["episode_id"] == "e1"), ["fallback", "action"]] = [True, PAPER]
    s = _summary(rows, rounds=0)
    assert s["rock", "p_rock"]["value"] == 1
    assert s["rock", "p_rock"]["decisions"] == 9 and "1 fallback decision(s) excluded" in s["rock", "p_rock"]["note"]


def test_several_equilibria_and_none():
    # Column's first and third actions are copies: its equilibria are every split of 1/2 between them.
    game = pyspiel.create_matrix_game([[1, -1, 1], [-1, 1, -1]], [[-1, 1, -1], [1, -1, 1]])
    sets = equilibria(game)
    assert sets is not None and sets[1].point is None
    assert sets[1].distance(np.array([0.25, 0.5, 0.25])) == pytest.approx(0, abs=1e-7)
    assert sets[1].distance(np.array([0.0, 1.0, 0.0])) == pytest.approx(0.5, abs=1e-7)
    assert equilibria(pyspiel.load_game("matrix_sh")) is None  # stag hunt: two pure equilibria and a mixed one
