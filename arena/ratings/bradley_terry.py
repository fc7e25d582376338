"""Bradley-Terry by penalised maximum likelihood, for many data sets at once (bootstrap rounds, profile points).

Model: the player who moves first in a pair beats the other with probability
sigmoid(theta_first - theta_second + eta), where eta is the optional first-move
(seat) advantage. Comparisons from games without a first mover (simultaneous
moves, e.g. matrix games) have no eta: sigmoid(theta_first - theta_second). A draw
counts as half a win and half a loss, i.e. its log-likelihood is
1/2 log p + 1/2 log(1 - p).

The data of one set are two stacks of P x P matrices, `[0]` for comparisons with
a first mover and `[1]` for those without: `wins[s, i, j]` = weighted score of i
against j when i sat first, `games[s, i, j]` = weighted number of such
comparisons. A plain (P, P) pair means every comparison has a first mover. All
sets are fitted together by Newton's method: per iteration one batched numpy
linear solve of the (P+1) x (P+1) systems. The log-likelihood is concave, so
Newton converges in a handful of iterations; steps are capped for safety far from
the optimum.

A Gaussian prior on the log-strengths (a ridge penalty, `prior_sd`, around the
field's mean) keeps the fit finite when a player won or lost every game, which
plain maximum likelihood sends to infinity. Its default (sd 1000 Elo points) is
weak: it moves a 30-10 record by well under one Elo point, and it is the finite
cap that bounds the far end of a perfect record's interval (`arena.ratings.profile`).
`prior_sd=None` is plain maximum likelihood.

`fit(..., contrast=a, value=v)` maximises under the linear constraint
a . (theta, eta) = v: the inner step of a profile likelihood.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import expit, log_expit

ELO_PER_NATURAL = 400.0 / math.log(10.0)
"""One unit of log-strength in Elo points: a 10:1 win ratio is 400 points."""
MAX_STEP = 2.0  # natural-log units per Newton iteration; caps early overshoot on lopsided data
MAX_ITER = 100
TOL = 1e-9


def ridge(prior_sd: float | None) -> float:
    """The penalty's weight on each squared log-strength (natural units): 1 / prior variance."""
    return 0.0 if prior_sd is None else (ELO_PER_NATURAL / prior_sd) ** 2


def stacked(x: np.ndarray) -> np.ndarray:
    """(R, 2, P, P) data from (R, P, P) (every comparison with a first mover); stacked data unchanged."""
    x = np.asarray(x, dtype=float)
    return x if x.ndim == 4 else np.stack([x, np.zeros_like(x)], axis=1)


def fit(wins: np.ndarray, games: np.ndarray, seat_advantage: bool = False, prior_sd: float | None = 1000.0, *,
        contrast: np.ndarray | None = None, value: np.ndarray | None = None,
        start: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Log-strengths (R, P) centred on 0 in each set, and the seat advantage (R,) (zeros unless asked).

    `wins` and `games` are (R, P, P) or (R, 2, P, P) (see the module docstring); R may be 1
    and broadcast against R rows of `contrast` (R, P+1), `value` (R,) and `start` (R, P+1).
    A contrast's strength part must sum to 0 (differences only). Units are natural
    logs; multiply by ELO_PER_NATURAL for Elo points. Raises if Newton has not
    converged (it always should: that would be a bug worth seeing, not a number).
    """
    w, n = stacked(wins), stacked(games)
    p = w.shape[-1]
    rows = max([len(w)] + [len(np.atleast_2d(x)) for x in (contrast, start) if x is not None])
    x = np.zeros((rows, p + 1)) if start is None else np.array(np.broadcast_to(start, (rows, p + 1)), dtype=float)
    if contrast is not None:
        if value is None:
            raise ValueError("a contrast needs the value it is held at")
        a = np.broadcast_to(np.asarray(contrast, dtype=float), (rows, p + 1))
        if not np.allclose(a[:, :p].sum(1), 0.0):
            raise ValueError("a contrast of log-strengths must sum to 0")
        x += a * ((np.broadcast_to(value, (rows,)) - (a * x).sum(1)) / (a * a).sum(1))[:, None]  # onto the constraint
    pen = ridge(prior_sd)
    for _ in range(MAX_ITER):
        grad, info = system(x, w, n, pen, seat_advantage)
        if contrast is not None:  # Newton on the Lagrangian: [[info, a], [a', 0]] [step, mu] = [grad, 0]
            info = np.concatenate([np.concatenate([info, a[:, :, None]], 2),
                                   np.concatenate([a, np.zeros((rows, 1))], 1)[:, None, :]], 1)
            grad = np.concatenate([grad, np.zeros((rows, 1))], 1)
        step = np.linalg.solve(info, grad[..., None])[..., 0][:, : p + 1]
        biggest = np.abs(step).max(axis=1, keepdims=True)
        step *= np.minimum(1.0, MAX_STEP / np.maximum(biggest, 1e-300))
        x += step
        x[:, :p] -= x[:, :p].mean(axis=1, keepdims=True)
        if biggest.max() < TOL:
            break
    else:
        raise RuntimeError(f"Bradley-Terry fit did not converge in {MAX_ITER} iterations")
    return x[:, :p], x[:, p]


def system(x: np.ndarray, w: np.ndarray, n: np.ndarray, pen: float,
           seat_advantage: bool) -> tuple[np.ndarray, np.ndarray]:
    """Gradient (R, P+1) and information (R, P+1, P+1: the negative Hessian) of the penalised log-likelihood.

    Strengths are only defined up to a common shift: the information gets 11'/P added,
    which makes it invertible without changing any step (the gradient is orthogonal to 1).
    Without the seat term, eta's row and column are those of the identity and its gradient 0.
    """
    grad, info = data_terms(x, w, n)
    p = w.shape[-1]
    grad[:, :p] -= pen * x[:, :p]
    grad[:, p] -= pen * x[:, p]
    info[:, :p, :p] += 1.0 / p
    info += pen * np.eye(p + 1)
    if not seat_advantage:
        info[:, p, :] = 0.0
        info[:, :, p] = 0.0
        info[:, p, p] = 1.0
        grad[:, p] = 0.0
    return grad, info


def data_terms(x: np.ndarray, w: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradient and information of the log-likelihood of the data alone (no prior), at (R, P+1) points."""
    p = w.shape[-1]
    theta, eta = x[:, :p], x[:, p]
    diff = theta[:, :, None] - theta[:, None, :]
    prob = expit(np.stack([diff + eta[:, None, None], diff], axis=1))  # (R, 2, P, P)
    resid = w - n * prob  # d log-lik / d (theta_first - theta_second [+ eta]), per cell
    var = n * prob * (1.0 - prob)
    r_all, v_all = resid.sum(1), var.sum(1)
    grad = np.empty((len(x), p + 1))
    grad[:, :p] = r_all.sum(2) - r_all.sum(1)
    grad[:, p] = resid[:, 0].sum((1, 2))
    info = np.zeros((len(x), p + 1, p + 1))
    sym = v_all + v_all.transpose(0, 2, 1)
    info[:, :p, :p] = -sym
    diag = np.arange(p)
    info[:, diag, diag] += sym.sum(2)
    cross = var[:, 0].sum(2) - var[:, 0].sum(1)
    info[:, :p, p] = cross
    info[:, p, :p] = cross
    info[:, p, p] = var[:, 0].sum((1, 2))
    return grad, info


def log_likelihood(x: np.ndarray, w: np.ndarray, n: np.ndarray, prior_sd: float | None) -> np.ndarray:
    """Penalised log-likelihood (R,) at (R, P+1) points (theta centred, eta last) of stacked data."""
    p = w.shape[-1]
    theta, eta = x[:, :p], x[:, p]
    diff = theta[:, :, None] - theta[:, None, :]
    d = np.stack([diff + eta[:, None, None], diff], axis=1)
    data = (w * log_expit(d) + (n - w) * log_expit(-d)).sum((1, 2, 3))
    return data - 0.5 * ridge(prior_sd) * ((theta * theta).sum(1) + eta * eta)
