"""Bradley-Terry on examples that can be checked by hand, and against scipy's optimiser."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize
from scipy.special import log_expit

from arena.ratings import rate_comparisons
from arena.ratings.bradley_terry import ELO_PER_NATURAL, fit


def games(*results: tuple[str, str, float], game: str = "g") -> pd.DataFrame:
    """Comparisons, one per (first, second, score) tuple: score 1 first won, 0.5 draw, 0 second won."""
    return pd.DataFrame({
        "episode_id": [f"e{i}" for i in range(len(results))], "game": game,
        "first": [r[0] for r in results], "second": [r[1] for r in results],
        "score": [float(r[2]) for r in results], "weight": 1.0, "forfeit": False, "sequential": True,
    })


def ratings(comps: pd.DataFrame, **kw) -> pd.Series:
    kw.setdefault("rounds", 0)
    table = rate_comparisons(comps, **kw).table
    return table[table.scope == "all"].set_index("player")["rating"]


@pytest.mark.parametrize("wins,losses", [(30, 10), (7, 3), (1, 1), (99, 1)])
def test_two_players_give_the_closed_form_difference(wins, losses):
    comps = games(*[("a", "b", 1)] * wins, *[("b", "a", 1)] * losses)
    r = ratings(comps, prior_sd=None, reference="b")
    assert r["b"] == 1000.0
    assert r["a"] - r["b"] == pytest.approx(400 * math.log10(wins / losses), abs=1e-6)


def test_the_default_prior_barely_moves_a_real_record():
    comps = games(*[("a", "b", 1)] * 30, *[("b", "a", 1)] * 10)
    r = ratings(comps, reference="b")
    assert r["a"] - r["b"] == pytest.approx(400 * math.log10(3), abs=1.0)


def test_a_cycle_gives_equal_ratings():
    comps = games(*[("a", "b", 1), ("b", "c", 1), ("c", "a", 1)] * 5)
    r = ratings(comps, prior_sd=None, reference=None)
    assert r.to_numpy() == pytest.approx([1000.0] * 3, abs=1e-6)


def test_draws_only_give_equal_ratings():
    comps = games(*[("a", "b", 0.5), ("b", "c", 0.5), ("a", "c", 0.5), ("c", "a", 0.5)] * 3)
    r = ratings(comps, prior_sd=None, reference="a")
    assert r.to_numpy() == pytest.approx([1000.0] * 3, abs=1e-6)


def test_draws_count_half_a_win():
    # 10 wins, 10 draws, 10 losses is an even record; 10 wins and 10 draws is 15:5
    even = games(*[("a", "b", 1)] * 10, *[("a", "b", 0.5)] * 10, *[("b", "a", 1)] * 10)
    assert ratings(even, prior_sd=None, reference="b")["a"] == pytest.approx(1000.0, abs=1e-6)
    lopsided = games(*[("a", "b", 1)] * 10, *[("b", "a", 0.5)] * 10)
    assert ratings(lopsided, prior_sd=None, reference="b")["a"] == pytest.approx(1000 + 400 * math.log10(3), abs=1e-6)


def test_a_perfect_record_stays_finite_with_the_prior():
    comps = games(*[("a", "b", 1)] * 20, *[("b", "c", 1), ("c", "b", 1)] * 10)
    r = ratings(comps, reference="c")
    assert np.isfinite(r.to_numpy()).all() and r["a"] > r["b"] + 400


def test_newton_agrees_with_scipy_minimize_on_a_random_tournament():
    rng = np.random.default_rng(3)
    p = 6
    wins, losses, draws = (rng.integers(0, k, size=(p, p)).astype(float) for k in (20, 20, 5))
    for m in (wins, losses, draws):
        np.fill_diagonal(m, 0)
    n = wins + losses + draws  # cell [i, j]: i sat first, j second
    w = wins + 0.5 * draws
    theta, eta = fit(w[None], n[None], seat_advantage=True, prior_sd=None)

    def neg_log_lik(x):
        d = x[:p, None] - x[None, :p] + x[p]
        return -(w * log_expit(d) + (n - w) * log_expit(-d)).sum()

    best = minimize(neg_log_lik, np.zeros(p + 1), method="BFGS", options={"gtol": 1e-10}).x
    assert theta[0] == pytest.approx(best[:p] - best[:p].mean(), abs=1e-4)
    assert eta[0] == pytest.approx(best[p], abs=1e-4)


def test_seat_advantage_is_fitted_and_reported_apart():
    # Equal players; the first seat wins 3 of 4 games
    comps = games(*[("a", "b", 1), ("a", "b", 1), ("a", "b", 1), ("a", "b", 0),
                    ("b", "a", 1), ("b", "a", 1), ("b", "a", 1), ("b", "a", 0)] * 10)
    result = rate_comparisons(comps, rounds=200, seat_advantage=True, prior_sd=None, reference="a")
    advantage = result.seat_advantage.set_index("scope").loc["all"]
    assert advantage.elo == pytest.approx(ELO_PER_NATURAL * math.log(3), abs=1e-6)
    assert advantage.ci_low > 0
    r = result.table[result.table.scope == "all"].set_index("player")["rating"]
    assert r["b"] == pytest.approx(1000.0, abs=1e-6)
