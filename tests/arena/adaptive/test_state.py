"""Counted results: the same data as the comparisons they come from, and the same ratings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from arena.adaptive.state import DRAW, LOSS, WIN, Observed
from arena.ratings import rate_comparisons, rate_types

PLAYERS = ["a", "b", "c"]


def comps() -> pd.DataFrame:
    rows = [("g", "a", "b", 1.0), ("g", "b", "a", 0.5), ("g", "a", "c", 0.0), ("h", "c", "b", 1.0),
            ("h", "b", "c", 1.0), ("g", "a", "b", 1.0)]
    return pd.DataFrame([{"episode_id": f"e{k}", "game": g, "first": f, "second": s, "score": x, "weight": 1.0,
                          "forfeit": False, "sequential": True} for k, (g, f, s, x) in enumerate(rows)])


def test_counts_by_game_seating_and_outcome():
    obs = Observed.from_comparisons(comps(), ["g", "h"], PLAYERS)
    assert obs.episodes == 6
    assert obs.counts[0, 0, 1, WIN] == 2 and obs.counts[0, 1, 0, DRAW] == 1 and obs.counts[0, 0, 2, LOSS] == 1
    assert obs.per_pairing()[0, 1] == obs.per_pairing()[1, 0] == 3
    score, games = obs.pooled()
    assert games[0, 1] == 3 and score[0, 1] == 2.5 and score[1, 0] == 0.5


def test_types_rate_as_the_comparisons_do():
    c = comps()
    obs = Observed.from_comparisons(c, ["g", "h"], PLAYERS)
    direct = rate_comparisons(c, rounds=50, seed=3, reference="a").table
    counted = rate_types(obs.types(), PLAYERS, rounds=50, seed=3, reference="a").table
    pd.testing.assert_frame_equal(direct, counted)
    back = Observed.from_types(obs.types(), PLAYERS)
    np.testing.assert_array_equal(back.counts, obs.counts)


def test_multi_player_comparisons_are_refused():
    c = comps().assign(weight=0.5)
    with pytest.raises(ValueError, match="two-player"):
        Observed.from_comparisons(c, ["g", "h"], PLAYERS)
