"""Sequential probability ratio test over seat-swapped pairs: "is A better than B?", stopping as soon as the data say.

The data are pentanomial counts (see `arena.ratings.pentanomial`): how many seat-swapped pairs of
episodes gave A a total of 0, 1/2, 1, 3/2 and 2 points (LL, LD, DD+WL, WD, WW). The pair, not the
episode, is the independent unit: both episodes of a pair share their chance seed, so their
results are correlated and a model of independent games (trinomial) gets the variance wrong.

H0: A is `elo0` stronger than B; H1: A is `elo1` stronger (elo0 < elo1). The log-likelihood ratio
is the generalized one of fishtest, Stockfish's testing framework
(official-stockfish/fishtest, server/fishtest/stats/LLRcalc.py: `LLR_logistic`, `LLR_normalized`,
`MLE_expected`, `MLE_t_value`, `secular`, `regularize`; the theory in M. Van den Bergh,
https://www.cantate.be/Fishtest/support_MLE_multinomial.pdf and
https://www.cantate.be/Fishtest/normalized_elo_practical.pdf): with p̂ the observed distribution of
the pair score x (scaled to 0, 1/4, ..., 1) over N pairs and p_j the distribution closest to p̂
(maximum likelihood) whose statistic equals hypothesis j's,

    LLR = N * sum_i p̂_i * log(p_1,i / p_0,i).

For logistic Elo the statistic is the expected score, s_j = 1 / (1 + 10^(-elo_j / 400)), and
p_j,i = p̂_i / (1 + θ (x_i - s_j)) with θ the root of the secular equation
sum_i p̂_i (x_i - s_j) / (1 + θ (x_i - s_j)) = 0. For normalized Elo it is the t-value
(mean - 1/2) / sd of the pair score, t_j = sqrt(2) * nelo_j * ln(10) / 800, found by the same
equation iterated (fishtest's `MLE_t_value`). Near the hypotheses both agree with the Brownian
approximation LLR ≈ N (s1 - s0)(2 mean - s0 - s1) / (2 var) (GSPRT_approximation.pdf).

Wald's bounds: accept H0 at LLR <= log(beta / (1 - alpha)), H1 at LLR >= log((1 - beta) / alpha);
alpha is the chance of accepting H1 when H0 holds, beta of accepting H0 when H1 holds. Unlike
fishtest the bounds are not corrected for the overshoot of a test that looks after every batch of
pairs; looking after every pair, simulated error rates come out within about a percentage point
of alpha and beta at 0.05 (tests/arena/ratings/test_sprt.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.optimize import brentq
from scipy.stats import norm

EloModel = Literal["logistic", "normalized"]
Decision = Literal["H0", "H1"]

PAIR_SCORES = np.linspace(0.0, 1.0, 5)
"""A's score per episode, averaged over the pair, for LL, LD, DD+WL, WD, WW."""
NELO_PER_T = 800.0 / math.log(10.0)
"""Normalized Elo per unit of t-value (per-game score over its sd), as fishtest defines it."""
_EMPTY_CELL = 1e-3
"""What an empty cell counts as (fishtest's `regularize`): the maximum likelihood fits need every outcome possible."""
_T_ITERATIONS = 10


@dataclass(frozen=True, slots=True)
class SPRTResult:
    llr: float
    lower: float  # accept H0 at llr <= lower
    upper: float  # accept H1 at llr >= upper
    decision: Decision | None  # None: keep playing
    pairs: int
    elo: float  # logistic Elo of A over B from the mean score; nan without pairs
    elo_low: float  # 95% interval from the pentanomial variance (normal approximation)
    elo_high: float


def bounds(alpha: float, beta: float) -> tuple[float, float]:
    """Wald's (lower, upper) bounds for the LLR."""
    if not (0.0 < alpha < 1.0 and 0.0 < beta < 1.0 and alpha + beta < 1.0):
        raise ValueError(f"alpha={alpha}, beta={beta}: need 0 < alpha, beta and alpha + beta < 1")
    return math.log(beta / (1.0 - alpha)), math.log((1.0 - beta) / alpha)


def llr(pentanomial: Sequence[float] | np.ndarray, elo0: float, elo1: float,
        elo_model: EloModel = "logistic") -> float:
    """The generalized log-likelihood ratio of H1 (elo1) against H0 (elo0); 0.0 without pairs."""
    counts = _counts(pentanomial)
    if elo0 >= elo1:
        raise ValueError(f"elo0={elo0} must be below elo1={elo1}")
    if counts.sum() == 0:
        return 0.0
    n, p = _regularized(counts)
    if elo_model == "logistic":
        fits = [_mle_with_mean(p, logistic_score(e)) for e in (elo0, elo1)]
    elif elo_model == "normalized":
        fits = [_mle_with_t_value(p, math.sqrt(2.0) * e / NELO_PER_T) for e in (elo0, elo1)]
    else:
        raise ValueError(f"elo_model={elo_model!r}: 'logistic' or 'normalized'")
    return float(n * np.sum(p * (np.log(fits[1]) - np.log(fits[0]))))


def sprt(pentanomial: Sequence[float] | np.ndarray, elo0: float, elo1: float, alpha: float = 0.05,
         beta: float = 0.05, elo_model: EloModel = "logistic") -> SPRTResult:
    """Where the test stands after the pairs in `pentanomial` (LL, LD, DD+WL, WD, WW counts for A)."""
    lower, upper = bounds(alpha, beta)
    counts = _counts(pentanomial)
    value = llr(counts, elo0, elo1, elo_model)
    decision: Decision | None = "H1" if value >= upper else "H0" if value <= lower else None
    elo, low, high = elo_estimate(counts)
    return SPRTResult(value, lower, upper, decision, int(counts.sum()), elo, low, high)


def elo_estimate(pentanomial: Sequence[float] | np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Logistic Elo of A over B with a normal-approximation interval whose standard error is that of
    the mean pair score (fishtest's `get_elo`). A monitoring figure for a running test, not a rating:
    the ratings' own intervals come from `arena.ratings.rate`."""
    counts = _counts(pentanomial)
    if counts.sum() == 0:
        return math.nan, -math.inf, math.inf
    n, p = _regularized(counts)
    mean = float(p @ PAIR_SCORES)
    sd = math.sqrt(float(p @ (PAIR_SCORES - mean) ** 2))
    half = float(norm.ppf(0.5 + level / 2.0)) * sd / math.sqrt(n)
    return logistic_elo(mean), logistic_elo(mean - half), logistic_elo(mean + half)


def logistic_score(elo: float) -> float:
    return 1.0 / (1.0 + 10.0 ** (-elo / 400.0))


def logistic_elo(score: float) -> float:
    """Inverse of `logistic_score`; ±inf at and beyond a score of 0 or 1."""
    if score <= 0.0:
        return -math.inf
    if score >= 1.0:
        return math.inf
    return -400.0 * math.log10(1.0 / score - 1.0)


def _counts(pentanomial: Sequence[float] | np.ndarray) -> np.ndarray:
    counts = np.asarray(pentanomial, dtype=float)
    if counts.shape != (5,) or not np.all(np.isfinite(counts)) or np.any(counts < 0):
        raise ValueError(f"pentanomial: five non-negative counts (LL, LD, DD+WL, WD, WW), got {pentanomial!r}")
    return counts


def _regularized(counts: np.ndarray) -> tuple[float, np.ndarray]:
    counts = np.where(counts == 0, _EMPTY_CELL, counts)
    n = float(counts.sum())
    return n, counts / n


def _secular(p: np.ndarray, a: np.ndarray) -> float:
    """The θ in (-1/max a, -1/min a) with sum p a / (1 + θ a) = 0: there the left side falls from +inf to -inf."""
    lo, hi = float(a.min()), float(a.max())
    if lo * hi >= 0:
        raise ValueError("hypothesis outside what a pentanomial distribution can reach")
    terms = list(zip(p.tolist(), a.tolist(), strict=True))

    def f(x: float) -> float:  # plain floats: for five terms numpy's per-call overhead is most of the time
        return sum(pi * ai / (1.0 + x * ai) for pi, ai in terms)

    eps = 1e-9
    return float(brentq(f, -1.0 / hi + eps, -1.0 / lo - eps))


def _mle_with_mean(p: np.ndarray, s: float) -> np.ndarray:
    a = PAIR_SCORES - s
    return p / (1.0 + _secular(p, a) * a)


def _mle_with_t_value(p: np.ndarray, t: float) -> np.ndarray:
    """fishtest's `MLE_t_value`: fixed-point iteration from the uniform distribution, each step solving the
    secular equation of the t-value constraint linearized around the current fit."""
    fit = np.full(5, 0.2)
    for _ in range(_T_ITERATIONS):
        mean = float(fit @ PAIR_SCORES)
        sd = math.sqrt(float(fit @ (PAIR_SCORES - mean) ** 2))
        a = PAIR_SCORES - 0.5 - t * sd * (1.0 + ((mean - PAIR_SCORES) / sd) ** 2) / 2.0
        previous, fit = fit, p / (1.0 + _secular(p, a) * a)
        if np.max(np.abs(fit - previous)) < 1e-9:
            break
    return fit
