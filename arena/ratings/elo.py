"""Sequential Elo: a secondary column for readers who expect it.

Unlike Bradley-Terry it depends on the order of play (episodes by start time) and
weighs recent games more; K sets how far one game moves a rating. Every player
starts at 1000, a comparison moves both players by K x weight x (score - expected),
and the final ratings are shifted so the reference player sits at its anchor rating
(else the mean at 1000), like the Bradley-Terry column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from arena.ratings.rating import ANCHOR_RATING, DEFAULT_REFERENCE, POOLED

DEFAULT_K = 16.0
_SLICE = 65_536


def elo(comps: pd.DataFrame, k: float = DEFAULT_K, reference: str | None = DEFAULT_REFERENCE,
        anchor_rating: float = ANCHOR_RATING) -> pd.DataFrame:
    """scope, player, elo for every game and POOLED; `comps` in playing order (see `comparisons(..., episodes)`);
    `reference` sits at `anchor_rating` where it played."""
    if comps.empty:
        return pd.DataFrame({"scope": pd.Series(dtype=object), "player": pd.Series(dtype=object),
                             "elo": pd.Series(dtype=float)})
    scopes = [*comps.groupby("game", sort=True), (POOLED, comps)]
    return pd.concat([pd.DataFrame({"scope": name, **_sequential(g, k, reference, anchor_rating)})
                      for name, g in scopes],
                     ignore_index=True)


def _sequential(comps: pd.DataFrame, k: float, reference: str | None, anchor_rating: float) -> dict[str, np.ndarray]:
    both = pd.concat([comps["first"], comps["second"]], ignore_index=True)
    codes, names = pd.factorize(both, sort=True)
    names = np.asarray(names, dtype=object)
    n = len(comps)
    ratings = [ANCHOR_RATING] * len(names)
    scores, weights = comps["score"].to_numpy(float), comps["weight"].to_numpy(float)
    # A plain loop: each update depends on the previous one, and lists beat numpy scalars here; in slices,
    # so that a million comparisons never become a million Python objects at once.
    for start in range(0, n, _SLICE):
        stop = min(start + _SLICE, n)
        for i, j, score, weight in zip(codes[start:stop].tolist(), codes[n + start:n + stop].tolist(),
                                       scores[start:stop].tolist(), weights[start:stop].tolist(), strict=True):
            expected = 1.0 / (1.0 + 10.0 ** ((ratings[j] - ratings[i]) / 400.0))
            delta = k * weight * (score - expected)
            ratings[i] += delta
            ratings[j] -= delta
    values = np.array(ratings)
    ref = np.flatnonzero(names == reference)
    values += anchor_rating - values[ref[0]] if len(ref) else ANCHOR_RATING - values.mean()
    return {"player": names, "elo": values}
