"""Sequential tests inside an adaptive schedule: one SPRT per pairing, over its seat-swapped pairs in every game.

A pairing's question is "is A better than B?" (A: the one listed first among the
players), answered by `arena.ratings.sprt` from the pentanomial counts of its finished
pairs pooled over the tournament's games: a pair is a pair whichever game it was
played in. Once a test accepts H0 or H1 the schedule gives the pairing nothing beyond
its fill (`closed`); the ratings still use every episode it played.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from arena.config.models import SPRTSettings
from arena.ratings.comparisons import comparisons
from arena.ratings.pentanomial import CELLS
from arena.ratings.sprt import SPRTResult, sprt


def pentanomials(seats: pd.DataFrame, episodes: pd.DataFrame, players: list[str]) -> dict[tuple[str, str], np.ndarray]:
    """(a, b), a listed before b in `players` -> A's pentanomial counts over its finished pairs with B, all games.
    `seats` and `episodes` as `arena.results.load` gives them (one play per episode)."""
    comps = comparisons(seats)
    comps = comps[(comps["weight"] == 1.0) & comps["first"].isin(players) & comps["second"].isin(players)]
    if comps.empty:
        return {}
    order = {name: k for k, name in enumerate(players)}
    first_is_a = comps["first"].map(order).to_numpy() < comps["second"].map(order).to_numpy()
    place = episodes.drop_duplicates("episode_id").set_index("episode_id")[["seed", "repetition"]]
    pairs = pd.DataFrame({
        "game": comps["game"].to_numpy(),
        "a": np.where(first_is_a, comps["first"], comps["second"]),
        "b": np.where(first_is_a, comps["second"], comps["first"]),
        "score": np.where(first_is_a, comps["score"], 1.0 - comps["score"]),
    }).join(place, on=comps["episode_id"].to_numpy())
    totals = pairs.groupby(["game", "a", "b", "seed", "repetition"], observed=True)["score"].agg(["sum", "size"])
    totals = totals[totals["size"] == 2].reset_index()
    out = {}
    for (a, b), group in totals.groupby(["a", "b"], observed=True):
        out[(str(a), str(b))] = np.bincount(np.rint(2.0 * group["sum"].to_numpy(float)).astype(int), minlength=len(CELLS))
    return out


def tests(counts: dict[tuple[str, str], np.ndarray], settings: SPRTSettings) -> dict[tuple[str, str], SPRTResult]:
    return {pair: sprt(c, settings.elo0, settings.elo1, settings.alpha, settings.beta) for pair, c in counts.items()}


def closed(results: dict[tuple[str, str], SPRTResult]) -> frozenset[tuple[str, str]]:
    """The pairings whose test has decided."""
    return frozenset(pair for pair, r in results.items() if r.decision is not None)


def as_record(results: dict[tuple[str, str], SPRTResult]) -> dict[str, dict]:
    """JSON-ready, for a round's record: "A vs B" -> LLR, its bounds, decision, pairs and A's Elo over B."""
    return {f"{a} vs {b}": {"llr": round(r.llr, 3), "lower": round(r.lower, 3), "upper": round(r.upper, 3),
                            "decision": r.decision, "pairs": r.pairs,
                            "elo": None if np.isnan(r.elo) else round(r.elo, 1)}
            for (a, b), r in sorted(results.items())}
