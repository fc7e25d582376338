"""Per-player counts of a results folder (games, W/D/L, rule-breaking, errors, cost); `arena.report` adds ratings."""

from __future__ import annotations

import pandas as pd

from arena.results.schema import NOT_PLAYED, EpisodeStatus


def player_counts(seats: pd.DataFrame) -> pd.DataFrame:
    """Games, W/D/L, mean return, illegal attempts, forfeits and errors per player.

    Errored and skipped (budget) episodes count under `errors` / `skipped` only: they have no winner. Sorted by points
    (win 1, draw 1/2) per game played.
    """
    columns = ["player", "games", "wins", "draws", "losses", "score", "mean_return",
               "illegal_attempts", "forfeits", "random_fallbacks", "errors", "skipped", "cost_usd"]
    if seats.empty:
        return pd.DataFrame(columns=columns)
    played = seats[~seats["status"].isin(NOT_PLAYED)]
    g = played.groupby("player")
    board = pd.DataFrame({
        "games": g.size(),
        "wins": g["outcome"].apply(lambda s: int((s == "win").sum())),
        "draws": g["outcome"].apply(lambda s: int((s == "draw").sum())),
        "losses": g["outcome"].apply(lambda s: int((s == "loss").sum())),
        "mean_return": g["return"].mean(),
        "illegal_attempts": g["illegal_attempts"].sum(),
        "forfeits": g["forfeit"].sum(),
        "random_fallbacks": g["random_fallbacks"].sum(),
    })
    all_players = seats.groupby("player")
    board = board.reindex(all_players.size().index).fillna(0)
    board["errors"] = all_players["status"].apply(lambda s: int((s == EpisodeStatus.ERROR).sum()))
    board["skipped"] = all_players["status"].apply(lambda s: int((s == EpisodeStatus.SKIPPED).sum()))
    board["cost_usd"] = all_players["cost_usd"].sum()
    board["score"] = (board["wins"] + 0.5 * board["draws"]) / board["games"].where(board["games"] > 0)
    board = board.reset_index().rename(columns={"index": "player"})
    int_cols = ["games", "wins", "draws", "losses", "illegal_attempts", "forfeits", "random_fallbacks", "errors", "skipped"]
    board[int_cols] = board[int_cols].astype(int)
    return board[columns].sort_values(["score", "mean_return"], ascending=False, na_position="last").reset_index(drop=True)
