"""Rating intervals that stay honest where a bootstrap collapses: few games, perfect records, draws, and coverage per regime."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from arena.ratings import POOLED, rate
from arena.ratings.coverage import REGIMES, coverage, regime_seats


def record(player: str, opponent: str, wins: int, draws: int = 0, losses: int = 0, game: str = "hex") -> pd.DataFrame:
    """Seats of `player`'s games against `opponent`: wins, then draws, then losses, seats alternating."""
    rows = []
    results = [1.0] * wins + [0.0] * draws + [-1.0] * losses
    for i, ret in enumerate(results):
        seating = [(player, ret), (opponent, -ret)]
        if i % 2:
            seating.reverse()
        for seat, (name, r) in enumerate(seating):
            rows.append({"episode_id": f"{game}-{player}-{opponent}-{i}", "game": game, "game_key": game,
                         "seat": seat, "player": name, "status": "ok", "return": r,
                         "outcome": "win" if r > 0 else "loss" if r < 0 else "draw", "forfeit": False,
                         "first_mover": seat == 0, "decisions": 5, "illegal_attempts": 0, "random_fallbacks": 0})
    return pd.DataFrame(rows)


def interval(seats: pd.DataFrame, player: str, reference: str, **kw) -> pd.Series:
    kw.setdefault("rounds", 300)
    table = rate(seats, reference=reference, **kw).table
    return table[(table.scope == POOLED) & (table.player == player)].iloc[0]


def test_a_2_0_record_does_not_collapse_and_reaches_far_above():
    r = interval(record("mcts_100", "random", 2), "mcts_100", "random")
    assert r.ci_low < r.rating < r.ci_high
    assert r.ci_low < 1000.0  # two wins do not rule out equal strength
    assert r.ci_high - r.rating >= 400  # nor a much larger gap than the estimate


@pytest.mark.parametrize("wins", [1, 2, 4, 8, 20])
def test_unbeaten_and_winless_intervals_extend_far_in_the_direction_of_the_record(wins):
    up = interval(record("a", "b", wins), "a", "b")
    assert up.ci_high - up.rating >= 400 and up.ci_high - up.rating > up.rating - up.ci_low
    down = interval(record("a", "b", 0, losses=wins), "a", "b")
    assert down.rating - down.ci_low >= 400 and down.rating - down.ci_low > down.ci_high - down.rating


def test_a_4_0_record_is_never_narrower_than_200_elo():
    r = interval(record("a", "b", 4), "a", "b")
    assert r.ci_high - r.ci_low >= 200


def test_8_0_0_is_wider_than_4_0_4():
    perfect = interval(record("a", "b", 8), "a", "b")
    even = interval(record("a", "b", 4, losses=4), "a", "b")
    assert perfect.ci_high - perfect.ci_low > even.ci_high - even.ci_low
    assert even.ci_low < 1000.0 < even.ci_high


def test_a_player_whose_only_games_are_draws_gets_a_real_interval():
    r = interval(record("a", "b", 0, draws=3), "a", "b")
    assert r.rating == pytest.approx(1000.0, abs=1e-6)
    assert r.ci_high - r.ci_low >= 200 and r.ci_low < 1000.0 < r.ci_high
    assert r.ci_high - 1000.0 == pytest.approx(1000.0 - r.ci_low, abs=1.0)  # nothing favours a side


def test_an_unbeaten_reference_leaves_the_others_intervals_open_below():
    seats = pd.concat([record("ref", "a", 5), record("ref", "b", 3), record("a", "b", 2, losses=1)],
                      ignore_index=True)
    table = rate(seats, rounds=300, reference="ref").table
    table = table[table.scope == POOLED].set_index("player")
    assert table.loc["ref", "ci_low"] == table.loc["ref", "ci_high"] == 1000.0
    for player in ("a", "b"):
        r = table.loc[player]
        assert r.rating - r.ci_low >= 400 and r.ci_high > r.rating


def test_no_interval_of_a_rated_player_has_zero_width_in_any_regime():
    for regime in REGIMES:
        table = rate(regime_seats(regime, np.random.default_rng(1)), rounds=200, reference=regime.reference).table
        others = table[table.player != regime.reference]
        assert (others.ci_high - others.ci_low).min() > 50, regime.name


@pytest.mark.parametrize("regime", REGIMES, ids=lambda r: r.name)
def test_95_percent_intervals_hold_the_truth_at_least_90_percent_of_the_time_in_every_regime(regime):
    result = coverage(regime, trials=50, rounds=200)
    assert result["coverage"] >= 0.90, result
