"""Seats -> pairwise comparisons: the data every rating and the pairwise table are computed from.

One row per pair of seats of a finished episode. Each row says who moved first in
the pair (`first`: the seat the results mark as the episode's `first_mover`; in a
pair without it, the lower seat), who moved second, the first player's score (1
win, 1/2 draw, 0 loss), a weight, and whether the pair has a first mover at all
(`sequential`). Which seat moves first depends on the game: seat 0 in tic-tac-toe,
seat 1 (White) in OpenSpiel chess, nobody in a matrix game whose first decision is
simultaneous. Only `sequential` comparisons carry the first-move (seat) advantage
term of the ratings.

Multi-player games are decomposed into all pairs of seats: within a pair the seat
with the higher return wins, equal returns draw, and a seat that forfeited loses to
one that did not. Each pair gets weight 1/(n-1), so every player of an n-player
episode carries the weight of one two-player game. Two-player episodes give one row
of weight 1 whose score matches the seats' win/draw/loss outcome.

Errored and skipped episodes have no result and never become comparisons.
Truncated episodes count with the returns they had when they were stopped.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from arena.results.schema import DONE_STATUSES, EpisodeStatus

COLUMNS = ["episode_id", "game", "first", "second", "score", "weight", "forfeit", "sequential"]


def rated_seats(seats: pd.DataFrame, exclude_forfeits: bool = False) -> pd.DataFrame:
    """Seats of the episodes that have a result; `exclude_forfeits` also drops episodes in which anyone forfeited."""
    outcome = seats["outcome"]
    done = seats[seats["status"].isin(DONE_STATUSES) & outcome.notna() & (outcome != "")]
    if exclude_forfeits:
        done = done[done["status"] != EpisodeStatus.FORFEIT]
    return done


def comparisons(seats: pd.DataFrame, episodes: pd.DataFrame | None = None,
                exclude_forfeits: bool = False) -> pd.DataFrame:
    """Pairwise comparisons of the finished episodes in `seats` (see the module docstring).

    `game` is the seats' `game_key` (name plus parameters: hex 5x5 and hex 7x7 are
    different games). With `episodes`, rows come in the order the episodes started,
    which sequential Elo needs; otherwise in the seats' order. `forfeit` marks
    comparisons from episodes in which someone forfeited. Raises ValueError when
    `seats` has no `first_mover` column.
    """
    if "first_mover" not in seats.columns:
        raise ValueError("seats: no 'first_mover' column (True for the seat that took the episode's first decision, "
                         "NA when it was simultaneous); arena.results.load provides it")
    done = rated_seats(seats, exclude_forfeits)
    if done.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            COLUMNS, ["object", "object", "object", "object", "float64", "float64", "bool", "bool"], strict=True)})
    cols = done[["episode_id", "game_key", "seat", "player", "return", "forfeit", "status"]].assign(
        mover=done["first_mover"].astype("boolean").fillna(False).to_numpy(bool))
    other = cols[["episode_id", "seat", "player", "return", "forfeit", "mover"]]
    pairs = cols.merge(other, on="episode_id", suffixes=("_a", "_b"))
    pairs = pairs[pairs["seat_a"] < pairs["seat_b"]]
    n_seats = cols.groupby("episode_id")["seat"].size()
    has_mover = pairs["episode_id"].map(cols.groupby("episode_id")["mover"].any()).to_numpy(bool)
    ret_a, ret_b = pairs["return_a"].to_numpy(float), pairs["return_b"].to_numpy(float)
    fa, fb = pairs["forfeit_a"].to_numpy(bool), pairs["forfeit_b"].to_numpy(bool)
    by_return = np.where(ret_a > ret_b, 1.0, np.where(ret_a < ret_b, 0.0, 0.5))
    score = np.where(fa == fb, by_return, np.where(fb, 1.0, 0.0))  # of seat a over seat b
    swap = pairs["mover_b"].to_numpy(bool)  # the higher seat moved first: it goes first
    player_a, player_b = pairs["player_a"].to_numpy(), pairs["player_b"].to_numpy()
    out = pd.DataFrame({
        "episode_id": pairs["episode_id"].to_numpy(),
        "game": pairs["game_key"].to_numpy(),
        "first": np.where(swap, player_b, player_a),
        "second": np.where(swap, player_a, player_b),
        "score": np.where(swap, 1.0 - score, score),
        "weight": 1.0 / (pairs["episode_id"].map(n_seats).to_numpy(float) - 1.0),
        "forfeit": (pairs["status"] == EpisodeStatus.FORFEIT).to_numpy(),
        "sequential": has_mover,
    })
    if episodes is not None and not episodes.empty:
        started = episodes.set_index("episode_id")["started_at"]
        out = out.assign(_t=out["episode_id"].map(started)).sort_values(["_t", "episode_id"], kind="stable")
        out = out.drop(columns="_t")
    return out.reset_index(drop=True)
