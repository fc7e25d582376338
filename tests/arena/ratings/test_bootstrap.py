"""Ratings on synthetic tournaments with known strengths (coverage per regime: test_intervals.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from arena.ratings import POOLED, rate
from arena.ratings.synthetic import synthetic_results

TRUE = {"random": 0.0, "weak": 100.0, "middle": 250.0, "strong": 400.0}


def scope(ratings, name: str = POOLED) -> pd.DataFrame:
    return ratings.table[ratings.table.scope == name].set_index("player")


def test_fitted_order_is_the_true_order():
    seats = synthetic_results(TRUE, 2000, seed=1, draw_rate=0.2).seats
    r = scope(rate(seats, rounds=200))
    assert list(r["rating"].sort_values().index) == ["random", "weak", "middle", "strong"]
    assert r.loc["random", "rating"] == 1000.0 and r.loc["random", "ci_low"] == r.loc["random", "ci_high"] == 1000.0


def test_same_seed_same_intervals_and_rounds_are_not_all_alike():
    seats = synthetic_results(TRUE, 500, seed=2).seats
    a, b = rate(seats, rounds=300, seed=7).table, rate(seats, rounds=300, seed=7).table
    pd.testing.assert_frame_equal(a, b)
    c = rate(seats, rounds=300, seed=8).table
    assert not np.allclose(a["ci_low"].to_numpy()[1:], c["ci_low"].to_numpy()[1:])
    width = a["ci_high"] - a["ci_low"]
    assert width[a.player != "random"].gt(10).all(), width


def test_without_the_reference_player_the_mean_sits_at_1000():
    seats = synthetic_results({"a": 0.0, "b": 200.0, "c": 400.0}, 1500, seed=3).seats
    result = rate(seats, rounds=100)
    r = scope(result)
    assert result.anchor[POOLED] == "mean"
    assert r["rating"].mean() == pytest.approx(1000.0)
    assert r.loc["c", "rating"] - r.loc["a", "rating"] == pytest.approx(400, abs=60)


def test_every_game_rated_alone_and_pooled_with_games_weighted_equally():
    # In "often" b beats a 3:1; in "rare" (10x fewer episodes) a beats b 3:1. Weighted
    # equally the games cancel; pooling raw episodes would make b clearly better.
    often = _record("often", "b", "a", 300, 100)
    rare = _record("rare", "a", "b", 30, 10)
    seats = pd.concat([often, rare], ignore_index=True)
    result = rate(seats, rounds=200, reference="a")
    assert scope(result, "often").loc["b", "rating"] == pytest.approx(1000 + 400 * np.log10(3), abs=1)
    assert scope(result, "rare").loc["b", "rating"] == pytest.approx(1000 - 400 * np.log10(3), abs=1)
    assert scope(result)["rating"]["b"] == pytest.approx(1000.0, abs=1)


def test_errored_and_skipped_episodes_never_count():
    seats = _record("g", "a", "b", 10, 10)
    broken = _record("g", "a", "b", 50, 0).assign(status="error", outcome="", **{"return": np.nan})
    skipped = _record("g", "a", "b", 50, 0).assign(status="skipped", outcome="")
    broken["episode_id"] += "-err"
    skipped["episode_id"] += "-skip"
    r = scope(rate(pd.concat([seats, broken, skipped], ignore_index=True), rounds=0, reference="b"))
    assert r.loc["a", "rating"] == pytest.approx(1000.0, abs=1e-6)
    assert r.loc["a", "comparisons"] == 20


def test_the_forfeit_free_variant_leaves_forfeited_episodes_out():
    clean = _record("g", "a", "b", 10, 10)
    forfeits = _record("g", "a", "b", 30, 0).assign(status="forfeit")
    forfeits["episode_id"] += "-ff"
    forfeits["forfeit"] = forfeits["outcome"] == "loss"
    seats = pd.concat([clean, forfeits], ignore_index=True)
    assert scope(rate(seats, rounds=0, reference="b")).loc["a", "rating"] > 1200
    assert scope(rate(seats, rounds=0, reference="b", exclude_forfeits=True)).loc["a", "rating"] == pytest.approx(
        1000.0, abs=1e-6)


def _record(game: str, winner: str, loser: str, wins: int, losses: int) -> pd.DataFrame:
    """Seats of wins + losses two-player episodes, seats alternating, winner's record wins:losses."""
    rows = []
    for i in range(wins + losses):
        won = i < wins
        seating = [winner, loser] if i % 2 == 0 else [loser, winner]
        for seat, player in enumerate(seating):
            first_wins = won == (seating[0] == winner)
            outcome = "win" if (seat == 0) == first_wins else "loss"
            rows.append({"episode_id": f"{game}-{i}", "game": game, "game_key": game, "seat": seat, "player": player,
                         "status": "ok", "return": 1.0 if outcome == "win" else -1.0, "outcome": outcome,
                         "forfeit": False, "first_mover": seat == 0, "decisions": 5, "illegal_attempts": 0,
                         "random_fallbacks": 0})
    return pd.DataFrame(rows)
