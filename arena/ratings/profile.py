"""Profile-likelihood intervals of the penalised Bradley-Terry fit: valid with few games and perfect records.

For a difference of interest d = a . (theta, eta) (a player minus the reference, or
minus the field's mean; or the seat term), the profile log-likelihood l_p(v) is the
highest penalised log-likelihood with d held at v, every other strength refitted.
The interval is every v with 2 (l_max - l_p(v)) <= the chi-square(1) quantile of
the level (3.84 at 95%): the likelihood-ratio test inverted. Unlike a bootstrap it
needs no resampling that could all look alike: a 2-0 record gives an interval from
about 80 Elo below the opponent (two wins do not rule out equal strength) up to
where the prior (`bradley_terry`, sd 1000 Elo points) bounds it, about 2,800 above.
The interval is asymmetric where the likelihood is, and never has zero width.

In the pooled scope each game's log-likelihood is scaled so that games weigh the
same; a scaled likelihood's ratio is not chi-square, so the statistic is divided by
the sandwich factor c = a'H^-1 J H^-1 a / a'H^-1 a (H: information of the scaled
fit, J: the same with squared scales), as for any weighted likelihood. With games
of equal size c = 1.

Each end is a root of a monotone function of v: scipy's elementwise `bracket_root`
and `find_root` (Chandrupatla) find all ends of a scope at once, and every function
value is one batched constrained Newton fit (`bradley_terry.fit(contrast=...)`),
warm-started from the last fit of the same end.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from arena.ratings.bradley_terry import data_terms, fit, log_likelihood, ridge, system

X_TOL = 1e-3  # natural-log units: 0.17 Elo points


def profile_bounds(w: np.ndarray, n: np.ndarray, x_hat: np.ndarray, contrasts: np.ndarray, *, seat_advantage: bool,
                   prior_sd: float | None, level: float,
                   sandwich: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper ends (K,) of the profile-likelihood interval of each contrast (K, P+1), natural units.

    `w`, `n` are one scope's stacked (2, P, P) data, `x_hat` its penalised fit (theta, eta).
    `sandwich` (K,) divides the likelihood-ratio statistic (see the module docstring).
    An end the likelihood never reaches (only without a prior) is infinite.
    """
    from scipy.optimize import elementwise  # 0.4 s to import: only when intervals are asked for

    k = len(contrasts)
    if k == 0:
        return np.empty(0), np.empty(0)
    w, n = w[None], n[None]
    q = ndtri(0.5 + level / 2.0) ** 2  # the chi-square(1) quantile
    factor = np.tile(np.ones(k) if sandwich is None else 1.0 / np.asarray(sandwich, dtype=float), 2)
    l_hat = log_likelihood(x_hat[None], w, n, prior_sd)[0]
    v_hat = contrasts @ x_hat
    cov = np.linalg.inv(system(x_hat[None], w, n, ridge(prior_sd), seat_advantage)[1][0])
    wald = np.sqrt(q * np.einsum("ki,ij,kj->k", contrasts, cov, contrasts) / factor[:k])
    a = np.vstack([contrasts, contrasts])  # ends 0..K-1 below the estimate, K..2K-1 above
    side = np.repeat([-1.0, 1.0], k)
    centre = np.tile(v_hat, 2)
    warm = np.tile(x_hat, (2 * k, 1))

    def excess(u: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Likelihood-ratio statistic minus the quantile, `u` away from the estimate: increasing in u."""
        end = end.astype(int)
        theta, eta = fit(w, n, seat_advantage, prior_sd, contrast=a[end], value=centre[end] + side[end] * u,
                         start=warm[end])
        x = np.column_stack([theta, eta])
        warm[end] = x
        return factor[end] * 2.0 * (l_hat - log_likelihood(x, w, n, prior_sd)) - q

    ends = np.arange(2 * k, dtype=float)
    first = np.clip(np.tile(wald, 2), 0.05, 5.0)
    bracket = elementwise.bracket_root(excess, 0.0, first, xmin=0.0, args=(ends,), maxiter=40)
    found = bracket.status == 0
    u = np.full(2 * k, np.inf)
    if found.any():
        lo, hi = (b[found] for b in bracket.bracket)
        root = elementwise.find_root(excess, (lo, hi), args=(ends[found],), tolerances={"xatol": X_TOL})
        u[found] = root.x
    bounds = centre + side * u
    return bounds[:k], bounds[k:]


def sandwich_factors(parts: list[tuple[float, np.ndarray, np.ndarray]], x_hat: np.ndarray, contrasts: np.ndarray,
                     seat_advantage: bool, prior_sd: float | None) -> np.ndarray:
    """c (K,) of each contrast for a likelihood that sums games' log-likelihoods times scales.

    `parts` holds each game's (scale, stacked wins, stacked games) over the pooled
    players. The prior counts once in both H and J, like data with scale 1.
    """
    p = len(x_hat) - 1
    infos = [(s, data_terms(x_hat[None], w[None], n[None])[1][0]) for s, w, n in parts]
    fixed = ridge(prior_sd) * np.eye(p + 1)
    fixed[:p, :p] += 1.0 / p  # the shift all strengths share: no contrast sees it
    h = fixed + sum(s * info for s, info in infos)
    j = fixed + sum(s * s * info for s, info in infos)
    if not seat_advantage:
        for m in (h, j):
            m[p, :], m[:, p], m[p, p] = 0.0, 0.0, 1.0
    h_inv_a = np.linalg.solve(h, contrasts.T)  # (P+1, K)
    return np.einsum("ik,ij,jk->k", h_inv_a, j, h_inv_a) / np.einsum("ik,ik->k", contrasts.T, h_inv_a)
