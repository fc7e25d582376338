"""Results -> pentanomial counts: how the seat-swapped pairs of episodes between two players ended.

A round robin plays every pairing of a game as pairs of episodes: one per seating, both with the
same chance seed and repetition number (`arena.schedule`). A pair is the unit of a sequential test
(`arena.ratings.sprt`): A's total score over its two episodes is 0 (LL), 1/2 (LD), 1 (DD or WL),
3/2 (WD) or 2 (WW). Scores are those of the ratings (`arena.ratings.comparisons`: by return, a
forfeiting seat loses), so a test and the leaderboard never disagree about who won an episode.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from arena.ratings.comparisons import comparisons

CELLS = ("LL", "LD", "DD+WL", "WD", "WW")


def pair_scores(seats: pd.DataFrame, episodes: pd.DataFrame, a: str, b: str, game_key: str) -> pd.Series:
    """A's total score over each finished seat-swapped pair of two-player episodes of `game_key` against
    `b`, indexed by (seed, repetition); a pair with an unfinished episode (errored, skipped, not yet
    played) is left out. `seats` and `episodes` as `arena.results.load` gives them; `game_key` is the
    game with its parameters, e.g. "tic_tac_toe" or "hex(board_size=7)". Raises ValueError for an
    unknown game or player, and for episodes that claim the same place in the schedule twice."""
    if a == b:
        raise ValueError(f"a and b are the same player: {a!r}")
    for name in (a, b):
        if not (seats["player"] == name).any():
            raise ValueError(f"no seats of player {name!r}")
    if not (seats["game_key"] == game_key).any():
        known = ", ".join(sorted(map(str, seats["game_key"].unique())))
        raise ValueError(f"no seats of game {game_key!r}; the results hold {known}")
    comps = comparisons(seats)
    mine = comps[(comps["game"] == game_key) & (comps["weight"] == 1.0)  # two-player episodes only
                 & (((comps["first"] == a) & (comps["second"] == b)) | ((comps["first"] == b) & (comps["second"] == a)))]
    score = pd.Series(np.where(mine["first"] == a, mine["score"], 1.0 - mine["score"]),
                      index=mine["episode_id"].to_numpy(), name="score")
    schedule = episodes.set_index("episode_id")[["seed", "repetition", "seating"]]
    missing = score.index.difference(schedule.index)
    if len(missing):
        raise ValueError(f"{len(missing)} episodes of the seats are not in the episodes table, e.g. {missing[0]!r}")
    place = schedule.loc[score.index]
    if len(place) != len(score) or place.duplicated().any():
        raise ValueError(f"{a} v {b} in {game_key}: two episodes share a seed, repetition and seating; "
                         "deduplicate the episodes (arena.results.load does)")
    played = place.assign(score=score.to_numpy())
    pairs = played.groupby(["seed", "repetition"])["score"].agg(["sum", "size"])
    return pairs.loc[pairs["size"] == 2, "sum"].rename("score")


def pentanomial(seats: pd.DataFrame, episodes: pd.DataFrame, a: str, b: str, game_key: str) -> np.ndarray:
    """Counts of A's finished pairs against B in `game_key` by A's score: LL, LD, DD+WL, WD, WW (see `pair_scores`)."""
    scores = pair_scores(seats, episodes, a, b, game_key).to_numpy(float)
    return np.bincount(np.rint(2.0 * scores).astype(int), minlength=len(CELLS))
