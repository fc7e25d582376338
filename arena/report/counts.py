"""Per-player counts of a results folder (games, W/D/L, rule-breaking, errors, cost); `arena.report` adds ratings."""

from __future__ import annotations

import pandas as pd

from arena.ratings import POOLED

COLUMNS = ["player", "games", "wins", "draws", "losses", "score", "mean_return",
           "illegal_attempts", "forfeits", "random_fallbacks", "errors", "skipped", "cost_usd"]


def player_counts(seats: pd.DataFrame) -> pd.DataFrame:
    """Games, W/D/L, mean return, illegal attempts, forfeits and errors per player, over every game.

    Errored and skipped (budget) episodes count under `errors` / `skipped` only: they have no winner. Sorted by points
    (win 1, draw 1/2) per game played. The same counts as the leaderboard's (arena.report.tally).
    """
    from arena.report.tables import _counts  # the leaderboard's counting, for one scope
    from arena.report.tally import tally

    if seats.empty:
        return pd.DataFrame(columns=COLUMNS)
    board = _counts(tally(seats, seats.iloc[:0]).sums)
    board = board[board["scope"] == POOLED][COLUMNS]
    return board.sort_values(["score", "mean_return"], ascending=False, na_position="last").reset_index(drop=True)
