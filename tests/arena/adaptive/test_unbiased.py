"""Adaptive sampling leaves the ratings unbiased and their intervals honest, as fixed round robins do.

Why no inverse-probability weighting (docs/adaptive.md): which pairing plays next
depends only on results already seen, never on the result about to happen, so the
likelihood of the observed results is the same product of Bradley-Terry terms as
under a fixed design, and the maximum-likelihood estimate, the profile likelihood
and their guarantees carry over. This test checks it where it could fail in finite
samples, with a stopping rule that depends on the fit: over seeded synthetic runs to
the same target, the mean error of every estimated difference to the reference is
within Monte-Carlo error of 0, and the 95% intervals hold the truth at least 90% of
the time, for the adaptive schedule as for the fixed one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from arena.adaptive import AdaptiveSchedule, Observed, rate_with, run_schedule
from arena.adaptive.run import fixed_chooser
from arena.adaptive.simulate import play_round
from arena.ratings.rating import POOLED

TRUTH = np.array([0.0, 40.0, 70.0, 350.0, 700.0])  # the reference first; two close, two far
PLAYERS = ["ref", "p1", "p2", "p3", "p4"]
TRIALS = 40


def errors(adaptive: bool) -> tuple[np.ndarray, np.ndarray]:
    """(TRIALS, 4) estimated minus true differences to the reference, and whether each interval held the truth."""
    error, inside = [], []
    for seed in range(TRIALS):
        table = final_ratings(adaptive, seed)
        truth = 1000.0 + TRUTH[1:]
        error.append(table["rating"].to_numpy() - truth)
        inside.append((table["ci_low"].to_numpy() <= truth) & (truth <= table["ci_high"].to_numpy()))
    return np.array(error), np.array(inside)


def final_ratings(adaptive: bool, seed: int) -> pd.DataFrame:
    """The pooled ratings of the non-reference players when the schedule stops on its target."""
    schedule = AdaptiveSchedule(target_ci=110, batch_episodes=60, min_per_pairing=4, separate_adjacent=False)
    start = Observed.empty(["g"], PLAYERS)
    outcomes = np.random.default_rng([seed, 1])
    run = run_schedule(lambda c: play_round(c, start, TRUTH, outcomes, draw_share=0.3), start, schedule,
                       rng=np.random.default_rng([seed, 0]), rate=rate_with(rounds=20, seed=seed, reference="ref"),
                       choose=None if adaptive else fixed_chooser(2))
    assert run.ratings is not None
    return run.ratings.table[run.ratings.table.scope == POOLED].set_index("player").loc[PLAYERS[1:]]


def test_adaptive_and_fixed_schedules_are_unbiased_with_honest_intervals():
    for adaptive in (True, False):
        error, inside = errors(adaptive)
        standard_error = error.std(axis=0, ddof=1) / np.sqrt(TRIALS)
        assert np.all(np.abs(error.mean(axis=0)) < 3.5 * standard_error), (adaptive, error.mean(axis=0), standard_error)
        assert inside.mean() >= 0.90, (adaptive, inside.mean())
