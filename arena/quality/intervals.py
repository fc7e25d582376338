"""Intervals over episodes: the decisions of one episode are not independent, so episodes are resampled whole."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def resamples(episodes: int, rounds: int, seed: int) -> Iterator[np.ndarray]:
    """`rounds` bootstrap resamples of `episodes` episodes: each an array of episode indices drawn with replacement."""
    rng = np.random.default_rng(seed)
    for _ in range(rounds):
        yield rng.integers(0, episodes, episodes)


def ratio_interval(numerator: np.ndarray, denominator: np.ndarray, *, rounds: int = 1000, seed: int = 0,
                   level: float = 0.95) -> tuple[float, float, float]:
    """sum(numerator) / sum(denominator), with the episode-bootstrap percentile interval.

    Both arrays hold one sum per episode (blunders and decisions of each episode, say); NaN when the
    denominator is zero, and (value, NaN, NaN) without rounds.
    """
    num, den = np.asarray(numerator, float), np.asarray(denominator, float)
    total = den.sum()
    value = float(num.sum() / total) if total > 0 else float("nan")
    if rounds <= 0 or len(num) == 0 or total <= 0:
        return value, float("nan"), float("nan")
    counts = np.zeros((rounds, len(num)))
    for r, idx in enumerate(resamples(len(num), rounds, seed)):
        counts[r] = np.bincount(idx, minlength=len(num))
    with np.errstate(invalid="ignore", divide="ignore"):
        stats = (counts @ num) / (counts @ den)
    stats = stats[np.isfinite(stats)]
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(stats, [tail, 100 - tail]) if len(stats) else (np.nan, np.nan)
    return value, float(low), float(high)
