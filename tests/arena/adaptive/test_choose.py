"""The next round: fill first in seat-swapped pairs, then the pairings that shrink the too-wide intervals most."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from arena.adaptive.choose import FILL, next_round
from arena.adaptive.information import information, pair_weights, update_covariance, variance_after
from arena.adaptive.state import WIN, Observed
from arena.ratings.rating import POOLED, Ratings

PLAYERS = ["a", "b", "c"]


def ratings(rating: dict[str, float], half: dict[str, float], reference: str = "a") -> Ratings:
    """Pooled ratings with these centres and half-widths, anchored at `reference`."""
    table = pd.DataFrame({"scope": POOLED, "player": list(rating), "rating": list(rating.values()),
                          "ci_low": [rating[p] - half[p] for p in rating], "ci_high": [rating[p] + half[p] for p in rating],
                          "comparisons": 0.0})
    return Ratings(table, pd.DataFrame(), {POOLED: reference}, 100, 0.95, reference)


def played(n: dict[tuple[str, str], int], games=("g",)) -> Observed:
    """`n` episodes per pairing in each game, half in each seating (all won by the first seat: counts only)."""
    obs = Observed.empty(games, PLAYERS)
    for (x, y), k in n.items():
        i, j = PLAYERS.index(x), PLAYERS.index(y)
        for g in range(len(games)):
            obs.counts[g, i, j, WIN] += k // 2
            obs.counts[g, j, i, WIN] += k - k // 2
    return obs


def test_an_empty_schedule_fills_every_pairing_in_every_game_with_seat_swapped_pairs():
    obs = Observed.empty(["g", "h"], PLAYERS)
    choice = next_round(obs, None, target_ci=50, batch_episodes=200, min_per_pairing=4, rng=np.random.default_rng(0))
    got = {(a.game, a.players): (a.pairs, a.reason) for a in choice.allocations}
    assert got == {(g, pair): (2, FILL) for g in ("g", "h") for pair in [("a", "b"), ("a", "c"), ("b", "c")]}
    assert choice.episodes == 24 and not choice.nothing_helps


def test_fill_tops_up_the_seating_played_less():
    obs = played({("a", "b"): 4, ("a", "c"): 4})
    obs.counts[0, 1, 2, WIN] = 3  # b-c: three episodes with b first, none with c first
    choice = next_round(obs, None, target_ci=50, batch_episodes=200, min_per_pairing=4, rng=np.random.default_rng(0))
    assert [(a.players, a.pairs) for a in choice.allocations] == [(("b", "c"), 2)]


def test_min_per_pairing_below_two_is_refused():
    with pytest.raises(ValueError, match="min_per_pairing"):
        next_round(played({}), None, target_ci=50, batch_episodes=10, min_per_pairing=1, rng=np.random.default_rng(0))


def test_only_the_too_wide_interval_gets_episodes_and_by_the_pairing_that_informs_it_most():
    # a (reference) at 1000, b 400 above, c 400 above b: c's interval is too wide, b's is on target.
    # One game of c against b (p = 0.91) carries p(1-p) = 0.083 of information, against a (p = 0.99) 0.0099:
    # b is well tied to a already, so the route through b narrows c about 8 times faster.
    obs = played({("a", "b"): 400, ("a", "c"): 4, ("b", "c"): 4})
    r = ratings({"a": 1000.0, "b": 1400.0, "c": 1800.0}, {"a": 0.0, "b": 40.0, "c": 200.0})
    choice = next_round(obs, r, target_ci=50, batch_episodes=40, min_per_pairing=4, rng=np.random.default_rng(0))
    assert [(a.players, a.pairs) for a in choice.allocations] == [(("b", "c"), 20)]
    assert choice.allocations[0].reason.startswith("shrinks c's half-width 200→")
    assert choice.half_widths == {"b": 40.0, "c": 200.0}
    assert choice.episodes == 40


def test_equal_players_the_direct_pairing_with_the_reference_shrinks_most():
    # All equal; a-b played a lot, a-c and b-c little: c's difference to a is narrowed most by playing a
    # directly (the route through b adds b's own uncertainty).
    obs = played({("a", "b"): 200, ("a", "c"): 4, ("b", "c"): 4})
    r = ratings({"a": 1000.0, "b": 1000.0, "c": 1000.0}, {"a": 0.0, "b": 45.0, "c": 230.0})
    choice = next_round(obs, r, target_ci=50, batch_episodes=2, min_per_pairing=4, rng=np.random.default_rng(0))
    assert [(a.players, a.pairs) for a in choice.allocations] == [(("a", "c"), 1)]


def test_closed_form_matches_refitting_the_information():
    theta = np.array([0.0, 0.7, 1.5])
    games = np.array([[0, 30, 4], [30, 0, 6], [4, 6, 0]], float)
    cov = np.linalg.inv(information(theta, games))
    contrasts = np.eye(3)[1:] - np.eye(3)[0]
    after = variance_after(cov, contrasts, pair_weights(theta), 10.0)
    for i, j in [(0, 1), (0, 2), (1, 2)]:
        more = games.copy()
        more[i, j] += 10
        more[j, i] += 10
        direct = contrasts @ np.linalg.inv(information(theta, more)) @ contrasts.T
        np.testing.assert_allclose(after[:, i, j], np.diag(direct), rtol=1e-10)
        updated = update_covariance(cov, i, j, 10 * pair_weights(theta)[i, j])
        np.testing.assert_allclose(updated, np.linalg.inv(information(theta, more)), rtol=1e-9, atol=1e-12)


def test_a_round_is_even_within_the_batch_and_spread_evenly_over_games():
    obs = played({("a", "b"): 4, ("a", "c"): 4, ("b", "c"): 4}, games=("g", "h"))
    r = ratings({"a": 1000.0, "b": 1050.0, "c": 1100.0}, {"a": 0.0, "b": 150.0, "c": 160.0})
    choice = next_round(obs, r, target_ci=50, batch_episodes=101, min_per_pairing=4, rng=np.random.default_rng(0))
    assert choice.episodes <= 101 and all(a.episodes % 2 == 0 for a in choice.allocations)
    for pair in {a.players for a in choice.allocations}:
        per_game = [sum(a.pairs for a in choice.allocations if a.players == pair and a.game == g) for g in "gh"]
        assert abs(per_game[0] - per_game[1]) <= 1


def test_the_same_seed_chooses_the_same_round():
    obs = played({("a", "b"): 4, ("a", "c"): 4, ("b", "c"): 4})
    r = ratings({"a": 1000.0, "b": 1000.0, "c": 1000.0}, {"a": 0.0, "b": 150.0, "c": 150.0})
    rounds = [next_round(obs, r, target_ci=50, batch_episodes=60, min_per_pairing=4, rng=np.random.default_rng(s))
              for s in (7, 7)]
    assert rounds[0] == rounds[1]


def test_nothing_helps_when_the_target_is_out_of_reach_within_the_cap():
    # c rated 5,000 points above everyone: a game against either is a certain win and narrows c's interval
    # (bounded above by the prior alone) by a hundredth of a point: 1,000 more episodes cannot close 1,950.
    obs = played({("a", "b"): 40, ("a", "c"): 4, ("b", "c"): 4})
    r = ratings({"a": 1000.0, "b": 1000.0, "c": 6000.0}, {"a": 0.0, "b": 40.0, "c": 2000.0})
    kw = dict(target_ci=50, batch_episodes=40, min_per_pairing=4)
    choice = next_round(obs, r, **kw, rng=np.random.default_rng(0), remaining_episodes=1000)
    assert choice.nothing_helps and choice.episodes == 0
    assert 0 < choice.best_gain * 1000 < 1950
    uncapped = next_round(obs, r, **kw, rng=np.random.default_rng(0))
    assert not uncapped.nothing_helps and uncapped.episodes == 40
