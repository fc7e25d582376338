"""When an adaptive schedule stops, and why: the target is met, a cap is hit, or nothing more can help.

Checked after every refit, in this order:
- `target`: every rating's 95% half-width is at most `target_ci` Elo points (the
  reference's is 0: its interval is a point);
- `separated`: every two players adjacent in the ranking have intervals that do not
  overlap, so the order is settled even where the widths are not on target;
- `max_episodes`: the schedule has played as many episodes as it may;
- `nothing_helps`: by the Fisher information of the fit, even the best pairing,
  played for every episode the cap still allows, would not bring the intervals to
  the target (for instance a player who won every game against everyone: more of
  the same games hardly bound its rating from above). `next_round` finds this one;
- `budget` (a tournament's run only): the models have spent `schedule.budget_usd`;
- `decided` (with sequential tests): every pairing's test has accepted a hypothesis;
- `no_results` (a tournament's run only): a whole round gave no rated episode (every one
  errored), so playing on would only repeat the failure.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np

from arena.adaptive.state import Observed
from arena.ratings.rating import POOLED, Ratings


class StopReason(StrEnum):
    TARGET = "target"
    SEPARATED = "separated"
    MAX_EPISODES = "max_episodes"
    NOTHING_HELPS = "nothing_helps"
    BUDGET = "budget"
    DECIDED = "decided"
    NO_RESULTS = "no_results"


def stop_reason(observed: Observed, ratings: Ratings | None, *, target_ci: float, max_episodes: int,
                separate_adjacent: bool = True) -> StopReason | None:
    """Why the schedule stops after `observed` rated as `ratings` (pooled scope), or None to play on."""
    table = None if ratings is None else ratings.table[ratings.table.scope == POOLED]
    complete = table is not None and set(observed.players) <= set(table["player"])
    if complete and table is not None:
        half = (table["ci_high"] - table["ci_low"]).to_numpy(float) / 2.0
        if np.all(half <= target_ci):
            return StopReason.TARGET
        if separate_adjacent and adjacent_separated(table["rating"].to_numpy(float), table["ci_low"].to_numpy(float),
                                                    table["ci_high"].to_numpy(float)):
            return StopReason.SEPARATED
    if observed.episodes >= max_episodes:
        return StopReason.MAX_EPISODES
    return None


def adjacent_separated(rating: np.ndarray, low: np.ndarray, high: np.ndarray) -> bool:
    """Whether each player's interval lies wholly above the next weaker player's (in rating order)."""
    order = np.argsort(rating)
    return bool(np.all(low[order][1:] > high[order][:-1]))
