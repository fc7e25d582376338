"""Which episodes get a replay when there are more than the report may write.

First the episodes where something went wrong (a forfeit, an error, an illegal attempt): they are the
ones people open replays for. The slots left go round-robin over games, and within a game over
pairings, so a game with many pairings does not crowd out one with few, and every pairing of a game
gets its share. Within a pairing, repetitions come in order with both seatings of each. The choice
depends only on the episodes' contents, never on the order of the rows.

Everything is sorted as integer codes (names by their rank in name order), so choosing among a
million episodes creates Python strings only for the ids chosen.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from arena.report.tally import episode_rows
from arena.results.schema import EpisodeStatus


def troubled(episodes: pd.DataFrame, seats: pd.DataFrame, rows: np.ndarray | None = None) -> pd.Series:
    """Per episode row: a seat forfeited, the episode errored, or someone made an illegal attempt.
    `rows`: the seats' episode rows (arena.report.tally.episode_rows), when already known."""
    rows = episode_rows(seats, episodes) if rows is None else rows
    bad = (seats["forfeit"].fillna(False).astype(bool) | (seats["illegal_attempts"].fillna(0) > 0)).to_numpy()
    flagged = np.zeros(len(episodes), bool)
    flagged[rows[bad & (rows >= 0)]] = True
    flagged |= episodes["status"].isin([EpisodeStatus.FORFEIT.value, EpisodeStatus.ERROR.value]).to_numpy()
    return pd.Series(flagged, index=episodes.index)


def spread(episodes: pd.DataFrame, seats: pd.DataFrame, limit: int | None = None) -> list[str]:
    """The episode_ids of `episodes` (the first `limit` of them), ordered so that any prefix is spread
    evenly over games and pairings."""
    positions = _spread(episodes, _pairings(episodes, seats, episode_rows(seats, episodes)),
                        np.arange(len(episodes)), limit)
    return episodes["episode_id"].take(positions).astype(str).tolist()


def choose(episodes: pd.DataFrame, seats: pd.DataFrame, limit: int) -> list[str]:
    """At most `limit` episode_ids: the troubled episodes first, then the others spread over games and pairings."""
    if limit <= 0:
        return []
    if len(episodes) <= limit:
        return episodes["episode_id"].astype(str).tolist()
    rows = episode_rows(seats, episodes)
    flagged = troubled(episodes, seats, rows).to_numpy()
    pairing = _pairings(episodes, seats, rows)
    first = _spread(episodes, pairing, np.flatnonzero(flagged), limit)
    rest = _spread(episodes, pairing, np.flatnonzero(~flagged), limit - len(first))
    return episodes["episode_id"].take(np.concatenate([first, rest])).astype(str).tolist()


def _spread(episodes: pd.DataFrame, pairings: np.ndarray, positions: np.ndarray, limit: int | None) -> np.ndarray:
    """`positions` (rows of `episodes`) in spread order, the first `limit` of them."""
    if not len(positions) or (limit is not None and limit <= 0):
        return np.zeros(0, np.int64)
    game = _name_ranks(episodes["game_key"])[positions]
    pairing = pairings[positions]
    repetition = episodes["repetition"].fillna(0).to_numpy(np.int64)[positions]
    seating = episodes["seating"].fillna(0).to_numpy(np.int64)[positions]
    ids = np.asarray(pc.rank(pa.array(episodes["episode_id"]), tiebreaker="first"))[positions]
    order = np.lexsort((ids, seating, repetition, pairing, game))
    in_pairing = _run_counts(game[order] * (pairing.max() + 1) + pairing[order])
    order = order[np.lexsort((pairing[order], in_pairing, game[order]))]
    in_game = _run_counts(game[order])
    order = order[np.lexsort((game[order], in_game))]
    return positions[order if limit is None else order[:limit]]


def _pairings(episodes: pd.DataFrame, seats: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """Per episode row: a number for its set of players (whoever sat where), in the order of their names."""
    mine = rows >= 0
    rows, players = rows[mine], _name_ranks(seats["player"])[mine]
    order = np.lexsort((players, rows))
    rows, players = rows[order], players[order]
    if not len(rows):
        return np.zeros(len(episodes), np.int64)
    within = _run_counts(rows)
    seats_at_most = int(within.max()) + 1
    base = int(players.max()) + 2  # a digit per seat, -1 (no seat) included
    if base ** seats_at_most < 2**62:  # the sorted players as one number: a sort of E numbers, not of E rows
        key = np.zeros(len(episodes), np.int64)
        np.add.at(key, rows, (players + 1) * base ** (seats_at_most - 1 - within))
        return np.unique(key, return_inverse=True)[1].ravel()
    grid = np.full((len(episodes), seats_at_most), -1, np.int64)
    grid[rows, within] = players
    return np.unique(grid, axis=0, return_inverse=True)[1].ravel()


def _name_ranks(names: pd.Series) -> np.ndarray:
    """Each value's rank among the distinct values in name order."""
    codes, uniques = pd.factorize(names.astype("category") if not isinstance(names.dtype, pd.CategoricalDtype)
                                  else names)
    rank = np.argsort(np.argsort(np.asarray(uniques.astype(str), dtype=object)))
    return np.where(codes >= 0, rank[codes], -1).astype(np.int64)


def _run_counts(keys: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each run of equal consecutive keys."""
    if not len(keys):
        return np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    lengths = np.diff(np.r_[starts, len(keys)])
    return np.arange(len(keys)) - np.repeat(starts, lengths)
