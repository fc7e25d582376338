"""Bradley-Terry by maximum likelihood, for many data sets at once (the bootstrap rounds).

Model: the player in the first seat beats the one in the second with probability
sigmoid(theta_first - theta_second + eta), where eta is the optional first-move
(seat) advantage. A draw counts as half a win and half a loss, i.e. its
log-likelihood is 1/2 log p + 1/2 log(1 - p).

The data of one round are two P x P matrices: `wins[i, j]` = weighted score of i
against j when i sat first, `games[i, j]` = weighted number of such comparisons.
All rounds are fitted together by Newton's method: per iteration one batched
numpy linear solve of the (P+1) x (P+1) systems. The log-likelihood is concave,
so Newton converges in a handful of iterations; steps are capped for safety far
from the optimum.

A weak Gaussian prior on the log-strengths (a ridge penalty, `prior_sd`) keeps the
fit finite when a player won or lost every game, which plain maximum likelihood
sends to infinity. Its default (sd 1000 Elo points around the field's mean) moves a
30-10 record by well under one Elo point; `prior_sd=None` is plain maximum
likelihood.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import expit

ELO_PER_NATURAL = 400.0 / math.log(10.0)
"""One unit of log-strength in Elo points: a 10:1 win ratio is 400 points."""
MAX_STEP = 2.0  # natural-log units per Newton iteration; caps early overshoot on lopsided data
MAX_ITER = 100
TOL = 1e-9


def fit(wins: np.ndarray, games: np.ndarray, seat_advantage: bool = False,
        prior_sd: float | None = 1000.0) -> tuple[np.ndarray, np.ndarray]:
    """Log-strengths (R, P) centred on 0 in each round, and the seat advantage (R,) (zeros unless asked).

    `wins` and `games` are (R, P, P): one data set per round. Units are natural logs; multiply by
    ELO_PER_NATURAL for Elo points. Raises if Newton has not converged (it always
    should: that would be a bug worth seeing, not a number worth printing).
    """
    w, n = np.asarray(wins, dtype=float), np.asarray(games, dtype=float)
    rounds, p, _ = w.shape
    ridge = 0.0 if prior_sd is None else (ELO_PER_NATURAL / prior_sd) ** 2
    k = p + 1  # theta_1..theta_P, eta
    theta = np.zeros((rounds, p))
    eta = np.zeros(rounds)
    for _ in range(MAX_ITER):
        prob = expit(theta[:, :, None] - theta[:, None, :] + eta[:, None, None])
        resid = w - n * prob  # d log-lik / d (theta_first - theta_second + eta), per cell
        var = n * prob * (1.0 - prob)
        grad = np.empty((rounds, k))
        grad[:, :p] = resid.sum(2) - resid.sum(1) - ridge * theta
        grad[:, p] = resid.sum((1, 2)) - ridge * eta
        info = np.zeros((rounds, k, k))  # negative Hessian of the penalised log-likelihood
        sym = var + var.transpose(0, 2, 1)
        info[:, :p, :p] = -sym
        diag = np.arange(p)
        info[:, diag, diag] += sym.sum(2) + ridge
        # Strengths are only defined up to a common shift: adding 11'/P makes the system
        # invertible without changing the solution (the gradient is orthogonal to 1).
        info[:, :p, :p] += 1.0 / p
        cross = var.sum(2) - var.sum(1)
        info[:, :p, p] = cross
        info[:, p, :p] = cross
        info[:, p, p] = var.sum((1, 2)) + ridge
        if not seat_advantage:
            info[:, p, :] = 0.0
            info[:, :, p] = 0.0
            info[:, p, p] = 1.0
            grad[:, p] = 0.0
        step = np.linalg.solve(info, grad[..., None])[..., 0]
        biggest = np.abs(step).max(axis=1, keepdims=True)
        step *= np.minimum(1.0, MAX_STEP / np.maximum(biggest, 1e-300))
        theta += step[:, :p]
        theta -= theta.mean(axis=1, keepdims=True)
        eta += step[:, p]
        if biggest.max() < TOL:
            break
    else:
        raise RuntimeError(f"Bradley-Terry fit did not converge in {MAX_ITER} iterations")
    return theta, eta
