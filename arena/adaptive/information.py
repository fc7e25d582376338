"""How much more games of a pairing would narrow the rating intervals: the Fisher information of the fit.

At the current fit theta, an episode of i against j carries information w_ij = p_ij (1 - p_ij)
about theta_i - theta_j (p_ij = sigmoid(theta_i - theta_j); a draw counts half a win,
as in the fit). The information matrix of the ratings is I = sum n_ij w_ij u u' over
pairings (u = e_i - e_j) plus the prior's ridge, and a rating's variance is c' I^-1 c for
its contrast c (the player minus the reference, or minus the field's mean). Adding m
episodes of (i, j) is a rank-one update, so by Sherman-Morrison the variance becomes

    c' S c - m w_ij (c' S u)^2 / (1 + m w_ij u' S u),      S = I^-1,

a closed form for every pairing and every contrast at once. The reported interval
is not the Fisher one (it is the profile-likelihood interval widened to the
bootstrap's), so a predicted half-width is the reported one times the predicted
ratio of standard deviations: the information says how much narrower, the reported
width where from.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from arena.ratings.bradley_terry import ridge


def information(theta: np.ndarray, games: np.ndarray, prior_sd: float | None = 1000.0) -> np.ndarray:
    """(P, P) Fisher information of the penalised fit at log-strengths `theta` (P,) with (P, P) `games` per pairing.

    `games` counts both seatings (symmetric). The common shift of all strengths, which no
    contrast sees, gets 11'/P so that the matrix inverts.
    """
    p = len(theta)
    w = games * pair_weights(theta)
    info = np.diag(w.sum(axis=1)) - w
    return info + ridge(prior_sd) * np.eye(p) + np.ones((p, p)) / p


def pair_weights(theta: np.ndarray) -> np.ndarray:
    """(P, P) information of one episode of i against j: p (1 - p)."""
    prob = expit(theta[:, None] - theta[None, :])
    return prob * (1.0 - prob)


def variance_after(cov: np.ndarray, contrasts: np.ndarray, weights: np.ndarray, added: float) -> np.ndarray:
    """(K, P, P) variance of each contrast (K, P) after `added` more episodes of each pairing (i, j).

    `cov` is S = I^-1 now, `weights` the per-episode information of each pairing (P, P).
    """
    cs = contrasts @ cov  # (K, P): c' S
    csu = cs[:, :, None] - cs[:, None, :]  # (K, P, P): c' S u for u = e_i - e_j
    d = np.diag(cov)
    usu = d[:, None] + d[None, :] - 2.0 * cov  # (P, P): u' S u
    v = added * weights
    now = np.einsum("kp,kp->k", cs, contrasts)
    return now[:, None, None] - v[None] * csu**2 / (1.0 + v * usu)[None]


def update_covariance(cov: np.ndarray, i: int, j: int, info_added: float) -> np.ndarray:
    """S after adding `info_added` (episodes times their weight) to pairing (i, j): Sherman-Morrison."""
    su = cov[:, i] - cov[:, j]
    usu = su[i] - su[j]
    return cov - info_added * np.outer(su, su) / (1.0 + info_added * usu)
