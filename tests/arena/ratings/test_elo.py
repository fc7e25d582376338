"""Sequential Elo, checked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from arena.ratings import comparisons, elo


def seat(episode, seat_no, player, ret, status="ok", forfeit=False, game="g", decisions=10, illegal=0, mover=0):
    """One seats row; `mover` is the seat that moved first in the episode (None: a simultaneous first decision)."""
    return {"episode_id": episode, "game": game, "game_key": game, "seat": seat_no, "player": player,
            "status": status, "return": ret, "outcome": "" if status in ("error", "skipped") else "x",
            "forfeit": forfeit, "first_mover": None if mover is None else seat_no == mover,
            "decisions": decisions, "illegal_attempts": illegal, "random_fallbacks": 0}


def test_elo_by_hand():
    seats = pd.DataFrame([seat("e", 0, "a", 1.0), seat("e", 1, "b", -1.0)])
    table = elo(comparisons(seats), k=16, reference=None).set_index(["scope", "player"])["elo"]
    # Both start at 1000, expected score 1/2: the winner gains K/2 and the loser drops K/2; the mean stays 1000
    assert table[("all", "a")] == pytest.approx(1008.0) and table[("all", "b")] == pytest.approx(992.0)
    pinned = elo(comparisons(seats), k=16, reference="b").set_index(["scope", "player"])["elo"]
    assert pinned[("all", "b")] == 1000.0 and pinned[("all", "a")] == pytest.approx(1016.0)


def test_elo_weighs_recent_games_more():
    first_a_then_b = pd.DataFrame([seat("1", 0, "a", 1.0), seat("1", 1, "b", -1.0),
                                   seat("2", 0, "b", 1.0), seat("2", 1, "a", -1.0)])
    table = elo(comparisons(first_a_then_b), k=32, reference="a").set_index(["scope", "player"])["elo"]
    assert table[("all", "b")] > 1000.0  # one win each, but b won last
