"""Ratings from results DataFrames: Bradley-Terry with intervals valid in every regime, sequential Elo, rule-breaking.

    from arena.results import load
    from arena.ratings import rate
    r = load("results/demo")
    ratings = rate(r.seats)            # ratings.table: scope, player, rating, ci_low, ci_high, ...
"""

from arena.ratings.comparisons import comparisons, rated_seats
from arena.ratings.elo import elo
from arena.ratings.rating import ANCHOR_RATING, POOLED, Ratings, rate, rate_comparisons, rate_types
from arena.ratings.rule_breaking import poisson_interval, rule_breaking

__all__ = ["ANCHOR_RATING", "POOLED", "Ratings", "comparisons", "elo", "poisson_interval", "rate",
           "rate_comparisons", "rate_types", "rated_seats", "rule_breaking"]
