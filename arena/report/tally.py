"""Everything the standings are computed from, counted a chunk of episodes at a time.

A leaderboard needs sums per player and game (games, wins, rule-breaking, tokens, cost), the
pairwise counts, the rated episodes as counts of distinct episode types (what the Bradley-Terry
fit and its bootstrap use: arena.ratings.bootstrap) and, for the sequential Elo column only, the
comparisons in playing order as small numeric rows. None of these grows with the size of the
seats table but the last, so a million-episode folder is rated without ever holding its
comparisons, or a pairing of every seat with every other, at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from arena.ratings import comparisons
from arena.ratings.bootstrap import EpisodeTypes, episode_types
from arena.ratings.rule_breaking import rule_breaking_counts
from arena.results.schema import NOT_PLAYED, EpisodeStatus

CHUNK_EPISODES = 50_000
"""Episodes per chunk: bounds the working memory of the comparisons (a pairing of the chunk's seats)."""
_SEAT_COLUMNS = ["game_key", "seat", "player", "first_mover", "status", "outcome", "return", "forfeit",
                 "decisions", "illegal_attempts", "random_fallbacks", "cost_usd", "prompt_tokens", "completion_tokens"]
_CHECKED_AT_ONCE = 200_000
PLAYED_SUMS = ["games", "wins", "draws", "losses", "return_sum", "return_count", "illegal_attempts", "forfeits",
               "random_fallbacks"]
ALL_SEAT_SUMS = ["errors", "skipped", "cost_usd", "prompt_tokens", "completion_tokens"]


@dataclass(frozen=True)
class Tally:
    players: list[str]  # every player of the seats, sorted: the index of the episode types' codes
    sums: pd.DataFrame  # game_key, player, PLAYED_SUMS (finished seats), ALL_SEAT_SUMS (every seat)
    rule_breaking: pd.DataFrame  # game_key, player, decisions and event counts of the rated seats
    pairs: pd.DataFrame  # game_key, player, opponent, games, wins, draws, losses (both directions)
    types: dict[str, EpisodeTypes]  # game_key -> the rated episodes' types
    in_order: pd.DataFrame  # game, first, second, score, weight: comparisons in playing order (Elo)

    @property
    def any_forfeit(self) -> bool:
        return any(t.forfeit.any() for t in self.types.values())


def tally(seats: pd.DataFrame, episodes: pd.DataFrame, chunk_episodes: int = CHUNK_EPISODES) -> Tally:
    """The Tally of `seats` (winning plays only, as `arena.results.load` returns them); `episodes` gives
    the start times that order the Elo comparisons."""
    players = sorted(set(seats["player"].dropna()))
    index = {name: i for i, name in enumerate(players)}
    numbers, started, id_order = _episode_numbers(seats, episodes)
    needed = [c for c in _SEAT_COLUMNS if c in seats.columns]
    sums, rules, pairs, in_order = [], [], [], []
    types: dict[str, list[EpisodeTypes]] = {}
    for start in range(0, int(numbers.max(initial=-1)) + 1, chunk_episodes):
        mine = (numbers >= start) & (numbers < start + chunk_episodes)
        # Episodes go by number from here on: merges and groupings on integers, not on id strings.
        chunk = seats.loc[mine, needed].assign(episode_id=numbers[mine])
        sums.append(_seat_sums(chunk))
        rules.append(rule_breaking_counts(chunk))
        comps = comparisons(chunk)
        if comps.empty:
            continue
        pairs.append(_pair_counts(comps))
        for game, g in comps.groupby("game", sort=True, observed=True):
            types.setdefault(str(game), []).append(episode_types(str(game), g, index))
        in_order.append(_ordered(comps, started, id_order, index))
    return Tally(
        players,
        _added(sums, ["game_key", "player"], PLAYED_SUMS + ALL_SEAT_SUMS),
        _added(rules, ["game_key", "player"], ["decisions", "illegal_attempts", "forfeit", "random_fallbacks"]),
        _added(pairs, ["game_key", "player", "opponent"], ["games", "wins", "draws", "losses"]),
        {game: EpisodeTypes.combine(parts, game) for game, parts in sorted(types.items())},
        _in_playing_order(in_order, players),
    )


def _seat_sums(seats: pd.DataFrame) -> pd.DataFrame:
    played = ~seats["status"].isin(NOT_PLAYED)
    outcome = seats["outcome"]
    frame = pd.DataFrame({
        "game_key": seats["game_key"].astype(str), "player": seats["player"].astype(str),
        "games": played.astype(int),
        "wins": (played & (outcome == "win")).astype(int),
        "draws": (played & (outcome == "draw")).astype(int),
        "losses": (played & (outcome == "loss")).astype(int),
        "return_sum": seats["return"].where(played, np.nan).fillna(0.0),
        "return_count": (played & seats["return"].notna()).astype(int),
        "illegal_attempts": seats["illegal_attempts"].where(played, 0),
        "forfeits": (seats["forfeit"].astype(bool) & played).astype(int),
        "random_fallbacks": seats["random_fallbacks"].where(played, 0),
        "errors": (seats["status"] == EpisodeStatus.ERROR).astype(int),
        "skipped": (seats["status"] == EpisodeStatus.SKIPPED).astype(int),
        "cost_usd": seats["cost_usd"].fillna(0.0),
        "prompt_tokens": seats["prompt_tokens"].fillna(0),
        "completion_tokens": seats["completion_tokens"].fillna(0),
    })
    return frame.groupby(["game_key", "player"], as_index=False, sort=False).sum()


def _pair_counts(comps: pd.DataFrame) -> pd.DataFrame:
    score = comps["score"].to_numpy(float)
    directed = pd.DataFrame({
        "game_key": np.concatenate([comps["game"].astype(str), comps["game"].astype(str)]),
        "player": np.concatenate([comps["first"].astype(str), comps["second"].astype(str)]),
        "opponent": np.concatenate([comps["second"].astype(str), comps["first"].astype(str)]),
        "score": np.concatenate([score, 1.0 - score]),
    })
    return directed.assign(games=1, wins=(directed["score"] == 1.0).astype(int),
                           draws=(directed["score"] == 0.5).astype(int),
                           losses=(directed["score"] == 0.0).astype(int)).drop(columns="score").groupby(
        ["game_key", "player", "opponent"], as_index=False, sort=False).sum()


def _episode_numbers(seats: pd.DataFrame, episodes: pd.DataFrame) -> tuple[np.ndarray, np.ndarray | None,
                                                                           np.ndarray | None]:
    """A number per seat row naming its episode, and per number the start time and the rank of the episode's
    id (the Elo order's tie-break); no order without the episodes of every seat."""
    rows = episode_rows(seats, episodes)
    if len(rows) and (rows < 0).any():
        return pd.factorize(seats["episode_id"])[0], None, None
    started = episodes["started_at"].to_numpy("datetime64[ns]").view(np.int64)
    id_order = np.asarray(pc.rank(pa.array(episodes["episode_id"]), tiebreaker="first"))
    return rows, started, id_order


def episode_rows(seats: pd.DataFrame, episodes: pd.DataFrame) -> np.ndarray:
    """Per seat row, the row of its episode in `episodes`; -1 for seats of episodes not there."""
    if _rows_hold(seats, episodes):  # a lean load's seats
        return seats["episode_row"].to_numpy(np.int64)
    if episodes.empty:
        return np.full(len(seats), -1)
    return pd.Index(episodes["episode_id"]).get_indexer(seats["episode_id"])


def _rows_hold(seats: pd.DataFrame, episodes: pd.DataFrame) -> bool:
    """The seats' episode_row (arena.results.load, lean) still points at their episodes: frames filtered
    after loading may have moved them."""
    if "episode_row" not in seats.columns:
        return False
    rows = seats["episode_row"].to_numpy(np.int64)
    if len(rows) and (rows.min() < 0 or rows.max() >= len(episodes)):
        return False
    ids, seat_ids = pa.array(episodes["episode_id"]), pa.array(seats["episode_id"])
    for start in range(0, len(rows), _CHECKED_AT_ONCE):
        part = slice(start, start + _CHECKED_AT_ONCE)
        if pc.all(pc.equal(ids.take(pa.array(rows[part])), seat_ids[part])).as_py() is False:
            return False
    return True


def _ordered(comps: pd.DataFrame, started: np.ndarray | None, id_order: np.ndarray | None,
             index: dict[str, int]) -> pd.DataFrame:
    """The chunk's comparisons as small numeric rows, with what sorts them into playing order."""
    episode = comps["episode_id"].to_numpy(np.int64)
    return pd.DataFrame({
        "_t": started[episode] if started is not None else 0,
        "_id": id_order[episode] if id_order is not None else 0,
        "game": comps["game"].astype("category"),
        "first": comps["first"].map(index).astype(np.int32),
        "second": comps["second"].map(index).astype(np.int32),
        "score": comps["score"].astype(np.float32),
        "weight": comps["weight"].astype(float),
    })


def _in_playing_order(parts: list[pd.DataFrame], players: list[str]) -> pd.DataFrame:
    """The comparisons of every chunk sorted into playing order; names as categories (a million
    comparisons must not become a million Python strings)."""
    columns = ["game", "first", "second", "score", "weight"]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("game", "first", "second") else float)
                             for c in columns})
    games = sorted({str(g) for part in parts for g in part["game"].cat.categories})
    game = np.concatenate([pd.Categorical(part["game"], categories=games).codes for part in parts])
    t = np.concatenate([np.asarray(part["_t"], np.int64) for part in parts])
    order = np.lexsort((np.concatenate([np.asarray(part["_id"], np.int64) for part in parts]), t))
    del t

    def column(name: str) -> np.ndarray:
        return np.concatenate([part[name].to_numpy() for part in parts])[order]

    return pd.DataFrame({
        "game": pd.Categorical.from_codes(game[order], categories=games),
        "first": pd.Categorical.from_codes(column("first"), categories=players),
        "second": pd.Categorical.from_codes(column("second"), categories=players),
        "score": column("score").astype(float),
        "weight": column("weight"),
    })


def _added(parts: list[pd.DataFrame], keys: list[str], values: list[str]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object if c in keys else float) for c in keys + values})
    return pd.concat(parts, ignore_index=True).groupby(keys, as_index=False, sort=True).sum()
