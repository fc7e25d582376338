"""Rule-breaking rates per 100 decisions and their exact Poisson intervals."""

from __future__ import annotations

import pandas as pd
import pytest

from arena.ratings import poisson_interval, rule_breaking


def seat(episode, seat_no, player, ret, status="ok", forfeit=False, game="g", decisions=10, illegal=0, mover=0):
    """One seats row; `mover` is the seat that moved first in the episode (None: a simultaneous first decision)."""
    return {"episode_id": episode, "game": game, "game_key": game, "seat": seat_no, "player": player,
            "status": status, "return": ret, "outcome": "" if status in ("error", "skipped") else "x",
            "forfeit": forfeit, "first_mover": None if mover is None else seat_no == mover,
            "decisions": decisions, "illegal_attempts": illegal, "random_fallbacks": 0}


def test_poisson_interval_known_values():
    low, high = poisson_interval([0, 10], [1.0, 1.0])
    assert low[0] == 0 and high[0] == pytest.approx(3.689, abs=1e-3)  # the "rule of three" case
    assert low[1] == pytest.approx(4.795, abs=1e-3) and high[1] == pytest.approx(18.39, abs=1e-2)


def test_rule_breaking_rates_per_100_decisions_per_game_and_pooled():
    seats = pd.DataFrame([
        seat("e", 0, "a", 1.0, decisions=40, illegal=2, game="g1"), seat("e", 1, "b", -1.0, decisions=40, game="g1"),
        seat("f", 0, "a", 1.0, "forfeit", decisions=60, illegal=1, game="g2"),
        seat("f", 1, "b", -1.0, "forfeit", forfeit=True, decisions=50, game="g2"),
        seat("x", 0, "a", None, "error", decisions=99, illegal=99, game="g2"),
        seat("x", 1, "b", None, "error", decisions=99, game="g2"),
    ])
    table = rule_breaking(seats).set_index(["scope", "player"])
    a = table.loc[("all", "a")]
    assert (a.decisions, a.illegal, a.illegal_per_100) == (100, 3, pytest.approx(3.0))
    assert a.illegal_ci_low < 3.0 < a.illegal_ci_high
    b = table.loc[("g2", "b")]
    assert (b.forfeits, b.forfeits_per_100) == (1, pytest.approx(2.0))
    assert table.loc[("g1", "b"), "forfeits_ci_low"] == 0 and table.loc[("g1", "b"), "forfeits_ci_high"] > 0
