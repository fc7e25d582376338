"""Profile-likelihood intervals, checked against closed forms and scipy's own optimiser and root finder."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq, minimize
from scipy.special import log_expit

from arena.ratings.bradley_terry import fit, log_likelihood, stacked
from arena.ratings.profile import profile_bounds, sandwich_factors

Q95 = 3.841458820694124  # chi-square(1) 95% quantile


def two_players(wins: float, losses: float) -> tuple[np.ndarray, np.ndarray]:
    """Stacked data: a beat b `wins` times and lost `losses` times, a always moving first."""
    w = np.array([[0.0, wins], [0.0, 0.0]])
    n = np.array([[0.0, wins + losses], [0.0, 0.0]])
    return stacked(w[None])[0], stacked(n[None])[0]


@pytest.mark.parametrize("wins,losses", [(7, 3), (1, 1), (30, 10), (9, 1)])
def test_two_players_without_a_prior_give_the_binomial_likelihood_ratio_interval(wins, losses):
    w, n = two_players(wins, losses)
    theta, eta = fit(w[None], n[None], prior_sd=None)
    x_hat = np.append(theta[0], eta[0])
    low, high = profile_bounds(w, n, x_hat, np.array([[1.0, -1.0, 0.0]]), seat_advantage=False, prior_sd=None,
                               level=0.95)

    def excess(d):  # the binomial log-likelihood of the logit d, as a likelihood-ratio statistic
        d_hat = math.log(wins / losses)
        ll = lambda x: wins * log_expit(x) + losses * log_expit(-x)  # noqa: E731
        return 2 * (ll(d_hat) - ll(d)) - Q95

    d_hat = math.log(wins / losses)
    assert low[0] == pytest.approx(brentq(excess, d_hat - 20, d_hat), abs=2e-3)
    assert high[0] == pytest.approx(brentq(excess, d_hat, d_hat + 20), abs=2e-3)


def test_a_constrained_fit_is_the_best_fit_on_its_constraint():
    rng = np.random.default_rng(5)
    p = 5
    wins, losses = (rng.integers(0, 8, size=(p, p)).astype(float) for _ in range(2))
    for m in (wins, losses):
        np.fill_diagonal(m, 0)
    w, n = stacked(wins[None]), stacked((wins + losses)[None])
    a = np.zeros(p + 1)
    a[1], a[3] = 1.0, -1.0
    theta, eta = fit(w, n, seat_advantage=True, prior_sd=400.0, contrast=a, value=0.7)
    x = np.append(theta[0], eta[0])
    assert a @ x == pytest.approx(0.7, abs=1e-9)

    def negative(z):
        z = np.append(z[:p] - z[:p].mean(), z[p])
        return -log_likelihood(z[None], w, n, 400.0)[0]

    best = minimize(negative, np.zeros(p + 1), method="SLSQP", options={"ftol": 1e-12, "maxiter": 500},
                    constraints=[{"type": "eq", "fun": lambda z: a @ z - 0.7}])
    assert -negative(x) == pytest.approx(-best.fun, abs=1e-6)


def test_a_perfect_record_is_bounded_by_the_prior_on_its_open_side():
    w, n = two_players(4, 0)
    theta, eta = fit(w[None], n[None], prior_sd=1000.0)
    x_hat = np.append(theta[0], eta[0])
    low, high = profile_bounds(w, n, x_hat, np.array([[1.0, -1.0, 0.0]]), seat_advantage=False, prior_sd=1000.0,
                               level=0.95)
    assert low[0] < 0.5 < x_hat[0] - x_hat[1] < high[0] < 25.0  # natural units; 25 is 4,300 Elo points
    without_prior = profile_bounds(w, n, np.array([6.0, -6.0, 0.0]), np.array([[1.0, -1.0, 0.0]]),
                                   seat_advantage=False, prior_sd=None, level=0.95)
    assert np.isinf(without_prior[1][0])  # plain likelihood never bounds it


def test_the_sandwich_factor_undoes_a_games_scale_and_is_one_for_equal_games():
    w, n = two_players(6, 4)
    x_hat = np.array([0.2, -0.2, 0.0])
    a = np.array([[1.0, -1.0, 0.0]])
    assert sandwich_factors([(3.0, w, n)], x_hat, a, False, None)[0] == pytest.approx(3.0)
    assert sandwich_factors([(1.0, w, n), (1.0, w, n)], x_hat, a, False, 1000.0)[0] == pytest.approx(1.0)
