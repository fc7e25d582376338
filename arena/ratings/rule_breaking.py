"""Rule-breaking, kept apart from playing strength: illegal attempts, forfeits and random fallbacks per 100 decisions.

Intervals are exact Poisson (Garwood) intervals on the event count, divided by the
number of decisions. They are right where rule-breaking is rare (0 events out of
1,000 decisions gives 0 to 0.37 per 100, where a bootstrap would say 0 to 0) and
assume events happen independently at one rate per decision; a model that breaks
the rules in bursts (the same confusing position again and again) has a wider
true interval than this.

Errored and skipped episodes are left out: their decisions never finished.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import gammaincinv  # scipy.stats would do too, but costs every `arena run` 0.7 s to import

from arena.ratings.comparisons import rated_seats
from arena.ratings.rating import POOLED

EVENTS = {"illegal": "illegal_attempts", "forfeits": "forfeit", "fallbacks": "random_fallbacks"}


def poisson_interval(events: np.ndarray, exposure: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval of a Poisson rate: `events` counts over `exposure` units.

    The bounds are chi-square quantiles, chi2.ppf(a, 2k) / 2, written as the inverse
    regularised gamma function gammaincinv(k, a), which is the same number.
    """
    events = np.asarray(events, dtype=float)
    exposure = np.asarray(exposure, dtype=float)
    tail = (1.0 - level) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        low = np.where(events > 0, gammaincinv(np.maximum(events, 1e-300), tail), 0.0) / exposure
        high = gammaincinv(events + 1.0, 1.0 - tail) / exposure
    return low, high


def rule_breaking(seats: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """scope, player, decisions, and for illegal / forfeits / fallbacks: count, per_100, ci_low, ci_high.

    Scopes are every game_key and POOLED. Forfeits are counted per seat that forfeited.
    """
    return rule_breaking_from_counts(rule_breaking_counts(seats), level)


def rule_breaking_counts(seats: pd.DataFrame) -> pd.DataFrame:
    """game_key, player, decisions and the event counts of the rated seats: what `rule_breaking_from_counts`
    needs. Counts of several chunks of seats add up."""
    done = rated_seats(seats)[["game_key", "player", "decisions", *EVENTS.values()]]
    done = done.astype({"forfeit": int})
    return done.groupby(["game_key", "player"], as_index=False, observed=True).sum(numeric_only=True)


def rule_breaking_from_counts(per_game: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """`rule_breaking` of counts per game_key and player (`rule_breaking_counts`)."""
    per_game = per_game.rename(columns={"game_key": "scope"})
    pooled = per_game.drop(columns="scope").groupby("player", as_index=False, observed=True).sum(numeric_only=True)
    table = pd.concat([per_game, pooled.assign(scope=POOLED)], ignore_index=True)
    decisions = table["decisions"].to_numpy(float)
    decisions = np.where(decisions > 0, decisions, np.nan)
    out = table[["scope", "player", "decisions"]].copy()
    for name, column in EVENTS.items():
        count = table[column].to_numpy(float)
        low, high = poisson_interval(count, decisions / 100.0, level)
        out[name] = count.astype(int)
        out[f"{name}_per_100"] = 100.0 * count / decisions
        out[f"{name}_ci_low"] = low
        out[f"{name}_ci_high"] = high
    return out
