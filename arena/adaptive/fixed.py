"""The fixed schedule an adaptive one is measured against: rounds of full round robins.

Every round plays every pairing in every game the same number of seat-swapped
pairs, whatever the results so far; it stops by the same rules (`stop`).
"""

from __future__ import annotations

import numpy as np

from arena.adaptive.choose import Allocation, RoundChoice
from arena.adaptive.state import Observed
from arena.ratings.rating import Ratings

ROUND_ROBIN = "round robin"


def round_robin_round(observed: Observed, ratings: Ratings | None, *, pairs_per_pairing: int) -> RoundChoice:
    """`pairs_per_pairing` seat-swapped pairs of every pairing in every game (`ratings` unused: a fixed design)."""
    del ratings
    p = len(observed.players)
    return RoundChoice(tuple(
        Allocation(game, (observed.players[i], observed.players[j]), pairs_per_pairing, ROUND_ROBIN)
        for game in observed.games for i, j in np.argwhere(np.triu(np.ones((p, p), bool), k=1))))
