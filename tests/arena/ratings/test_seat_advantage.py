"""The first-mover (seat) advantage: estimated for the seat that actually moves first, absent where nobody does."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from arena.ratings import POOLED, rate
from arena.ratings.synthetic import synthetic_results

PLAYERS = {"random": 0.0, "a": 100.0, "b": 200.0}


def advantage(seats: pd.DataFrame) -> pd.DataFrame:
    return rate(seats, rounds=200, seat_advantage=True).seat_advantage.set_index("scope")


@pytest.mark.parametrize("mover", [0, 1])
def test_the_advantage_belongs_to_the_seat_that_moves_first_whatever_its_number(mover):
    # mover=1 is OpenSpiel chess: White is player 1. Counting seat 0 as first would flip the sign.
    seats = synthetic_results(PLAYERS, 6000, seed=11, first_move_elo=120.0, mover=mover).seats
    row = advantage(seats).loc[POOLED]
    assert row.ci_low < 120.0 < row.ci_high and row.ci_low > 40.0
    table = rate(seats, rounds=0).table
    ratings = table[table.scope == POOLED].set_index("player")["rating"]
    assert ratings["b"] - ratings["a"] == pytest.approx(100.0, abs=40)


def test_a_game_without_a_first_mover_has_no_seat_term_and_adds_nothing_to_the_pooled_one():
    chess = synthetic_results(PLAYERS, 4000, seed=12, games=("chess",), first_move_elo=120.0, mover=1).seats
    matrix = synthetic_results(PLAYERS, 4000, seed=13, games=("matrix",), mover=None).seats
    both = advantage(pd.concat([chess, matrix], ignore_index=True))
    assert both.loc["matrix"][["elo", "ci_low", "ci_high"]].isna().all()
    assert both.loc["chess", "ci_low"] < 120.0 < both.loc["chess", "ci_high"]
    # Pooled, the seat term is fitted on chess alone: close to chess's own estimate, not diluted towards 0
    assert both.loc[POOLED, "elo"] == pytest.approx(both.loc["chess", "elo"], abs=25)
    alone = advantage(matrix)
    assert np.isnan(alone.loc[POOLED, "elo"])
