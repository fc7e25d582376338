"""Leaderboards and pairwise tables from results DataFrames, per game and pooled over games.

    from arena.results import load
    from arena.report import leaderboard, pairwise, standings
    r = load("results/demo")
    leaderboard(r)                      # pooled over games; leaderboard(r, game="hex") for one game
    s = standings(r, seat_advantage=True)   # everything at once: s.leaderboard, s.pairwise, s.seat_advantage
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from arena.ratings import POOLED, elo
from arena.ratings.bootstrap import EpisodeTypes
from arena.ratings.elo import DEFAULT_K
from arena.ratings.rating import ANCHOR_RATING, DEFAULT_REFERENCE, anchor_text, anchored_at, rate_types
from arena.ratings.rule_breaking import rule_breaking_from_counts
from arena.report.tally import CHUNK_EPISODES, Tally, tally
from arena.results.reader import Results, give_back_freed_memory
from arena.results.schema import NOT_PLAYED

FEW_GAMES = 10
"""A rating resting on fewer rated games than this, in its scope, is flagged "few games"."""
RECORD_NOTES = {"perfect": "all wins or all losses in the scope: the interval's open end comes from the prior",
                "few games": f"fewer than {FEW_GAMES} rated games in the scope"}
LEADERBOARD_COLUMNS = [
    "scope", "rank", "player", "rating", "ci_low", "ci_high", "record_note", "elo",
    "rating_no_forfeits", "no_forfeits_ci_low", "no_forfeits_ci_high",
    "games", "wins", "draws", "losses", "score", "mean_return",
    "decisions", "illegal_attempts", "illegal_per_100", "illegal_ci_low", "illegal_ci_high",
    "forfeits", "forfeits_per_100", "forfeits_ci_low", "forfeits_ci_high", "random_fallbacks", "fallbacks_per_100",
    "errors", "skipped", "latency_mean_s", "latency_p95_s", "tokens_in", "tokens_out", "cost_usd",
]
PAIRWISE_COLUMNS = ["scope", "player", "opponent", "games", "wins", "draws", "losses", "win_rate"]


@dataclass(frozen=True)
class Standings:
    """Everything a report shows, for every scope (each game_key, and POOLED)."""

    leaderboard: pd.DataFrame
    pairwise: pd.DataFrame
    seat_advantage: pd.DataFrame  # scope, elo, ci_low, ci_high; empty unless asked
    anchor: dict[str, str]  # scope -> reference player or "mean"
    rounds: int
    level: float
    not_rated: dict[str, dict[str, int]] = field(default_factory=dict)  # scope -> {"error": n, "skipped": m}
    seed: int = 0
    types: dict[str, EpisodeTypes] = field(default_factory=dict)  # what the ratings were fitted on (tally)
    players: list[str] = field(default_factory=list)  # the index of the types' codes
    reference: str | None = None  # the player asked to be the anchor
    anchor_rating: float = ANCHOR_RATING  # where the reference sits, in the scopes it played

    def anchored_at(self, scope: str = POOLED) -> float:
        """The rating of `scope`'s anchor (the reference's, or the mean player's)."""
        return anchored_at(self.anchor.get(scope, "mean"), self.anchor_rating)

    def anchor_text(self, scope: str = POOLED) -> str:
        """What `scope` is anchored to, e.g. "sf_1500 = 1500" or "mean player = 1000; sf_1500 did not play here"."""
        return anchor_text(self.anchor.get(scope, "mean"), self.reference, self.anchor_rating)

    @property
    def scopes(self) -> list[str]:
        """POOLED first, then the games in name order."""
        games = sorted(set(self.leaderboard["scope"]) - {POOLED})
        return [POOLED, *games]

    def board(self, scope: str = POOLED) -> pd.DataFrame:
        return self.leaderboard[self.leaderboard["scope"] == scope].reset_index(drop=True)


class UnknownGame(ValueError):
    """--game names no game in the results."""


def select_game(results: Results, game: str | None) -> Results:
    """Only the rows of `game`, matched on the game name or its game_key (name plus parameters)."""
    if game is None:
        return results
    seats = results.seats
    keys = sorted(set(seats.loc[(seats["game"] == game) | (seats["game_key"] == game), "game_key"]))
    if not keys:
        known = ", ".join(sorted(set(seats["game_key"]))) or "none"
        raise UnknownGame(f"'{game}' is not in these results; games: {known}")
    kept = results.episodes["game_key"].isin(keys).to_numpy()
    episodes = results.episodes[kept].reset_index(drop=True)
    seats = seats[seats["game_key"].isin(keys)].reset_index(drop=True)
    if "episode_row" in seats.columns:  # a lean load's row numbers, renumbered for the kept episodes
        renumber = (np.cumsum(kept) - 1).astype(np.int32)
        seats = seats.assign(episode_row=renumber[seats["episode_row"].to_numpy()])
    moves = results.moves[results.moves["episode_id"].isin(episodes["episode_id"])]
    return Results(episodes, seats, moves)


def standings(results: Results, *, rounds: int = 1000, seed: int = 0, reference: str | None = DEFAULT_REFERENCE,
              anchor_rating: float = ANCHOR_RATING, seat_advantage: bool = False, elo_k: float = DEFAULT_K,
              level: float = 0.95,
              latency: pd.DataFrame | None = None, chunk_episodes: int = CHUNK_EPISODES) -> Standings:
    """Leaderboards and pairwise tables of every game and pooled over games.

    Ratings are Bradley-Terry with intervals from `rounds` bootstrap rounds and the
    profile likelihood (arena.ratings.rate), `reference` at `anchor_rating` where it played; the `rating_no_forfeits` columns rate
    only the episodes in which nobody forfeited; `record_note` flags ratings that
    rest on a perfect or near-empty record (RECORD_NOTES). `latency` (scope, player, latency_mean_s,
    latency_p95_s; see `call_latency`) replaces the figures computed from `results.moves`, which a
    large folder is loaded without. Seats are counted `chunk_episodes` episodes at a time (arena.report.tally).
    """
    t = tally(results.seats, results.episodes, chunk_episodes)
    give_back_freed_memory()  # the chunks' working memory, before the fits need theirs
    main = rate_types(t.types, t.players, rounds=rounds, seed=seed, reference=reference, anchor_rating=anchor_rating,
                      level=level, seat_advantage=seat_advantage)
    if t.any_forfeit:
        clean = rate_types(t.types, t.players, rounds=rounds, seed=seed, reference=reference,
                           anchor_rating=anchor_rating, level=level, exclude_forfeits=True).table
    else:  # nothing to exclude: the same numbers, without a second bootstrap
        clean = main.table
    clean = clean.rename(columns={"rating": "rating_no_forfeits", "ci_low": "no_forfeits_ci_low",
                                  "ci_high": "no_forfeits_ci_high"}).drop(columns="comparisons")
    board = (_counts(t.sums)
             .merge(main.table.drop(columns="comparisons"), on=["scope", "player"], how="left")
             .merge(clean, on=["scope", "player"], how="left")
             .merge(elo(t.in_order, elo_k, reference, anchor_rating), on=["scope", "player"], how="left")
             .merge(_rule_breaking(t, level), on=["scope", "player"], how="left")
             .merge(_usage(t.sums), on=["scope", "player"], how="left")
             .merge(_latency(results) if latency is None else latency, on=["scope", "player"], how="left"))
    board = _ranked(board)
    board["record_note"] = record_notes(board)
    return Standings(board[LEADERBOARD_COLUMNS], _pairwise(t.pairs), main.seat_advantage, main.anchor,
                     rounds, level, _not_rated(results.episodes), seed, t.types, t.players, reference, anchor_rating)


def leaderboard(results: Results, game: str | None = None, **options) -> pd.DataFrame:
    """One scope's leaderboard: pooled over games, or of `game` (name or game_key). Options as `standings`."""
    return standings(select_game(results, game), **options).board()


def pairwise(seats: pd.DataFrame) -> pd.DataFrame:
    """Win rate of `player` over `opponent` (wins + draws/2 over games), with counts; per game and POOLED.

    Counts are comparisons (arena.ratings.comparisons), not weighted: in a
    multi-player game, how often the two finished in that order. Forfeits count.
    """
    return _pairwise(tally(seats, seats.iloc[:0].assign(started_at=pd.NaT)).pairs)


def _pairwise(pairs: pd.DataFrame) -> pd.DataFrame:
    if pairs.empty:
        return pd.DataFrame(columns=PAIRWISE_COLUMNS)
    per_game = pairs.rename(columns={"game_key": "scope"})
    pooled = per_game.drop(columns="scope").groupby(["player", "opponent"], as_index=False).sum().assign(scope=POOLED)
    table = pd.concat([per_game, pooled], ignore_index=True).sort_values(["scope", "player", "opponent"])
    table = table.astype({"games": "int64", "wins": "int64", "draws": "int64", "losses": "int64"})
    table["win_rate"] = (table["wins"] + 0.5 * table["draws"]) / table["games"]
    return table[PAIRWISE_COLUMNS].reset_index(drop=True)


def pairwise_matrix(table: pd.DataFrame, scope: str = POOLED, value: str = "win_rate",
                    order: list[str] | None = None) -> pd.DataFrame:
    """One scope of `pairwise` as a square matrix: rows are players, columns opponents, NaN where they never met."""
    one = table[table["scope"] == scope]
    matrix = one.pivot(index="player", columns="opponent", values=value)
    names = order or sorted(set(one["player"]) | set(one["opponent"]))
    return matrix.reindex(index=names, columns=names)


def record_notes(board: pd.DataFrame) -> pd.Series:
    """"perfect", "few games", both ("perfect, few games") or null per row of a leaderboard (see RECORD_NOTES)."""
    games = board["games"]
    played = games > 0
    perfect = played & ((board["wins"] == games) | (board["losses"] == games))
    few = played & (games < FEW_GAMES)
    notes = np.select([perfect & few, perfect, few], ["perfect, few games", "perfect", "few games"], "")
    return pd.Series(notes, index=board.index, dtype=object).replace("", None)


def _counts(sums: pd.DataFrame) -> pd.DataFrame:
    """Per scope and player: games, W/D/L, mean return, rule-breaking, errors, cost (what arena.report.counts
    computes from seats), from the tally's sums."""
    per_game = sums.rename(columns={"game_key": "scope"})
    pooled = per_game.drop(columns="scope").groupby("player", as_index=False).sum().assign(scope=POOLED)
    table = pd.concat([per_game, pooled], ignore_index=True)
    counted = table["return_count"] > 0
    table["mean_return"] = np.where(counted, table["return_sum"] / table["return_count"].where(counted, 1), 0.0)
    ints = ["games", "wins", "draws", "losses", "illegal_attempts", "forfeits", "random_fallbacks", "errors", "skipped"]
    table[ints] = table[ints].astype(int)
    table["score"] = _score(table)
    return table[["scope", "player", "games", "wins", "draws", "losses", "mean_return", "illegal_attempts",
                  "forfeits", "random_fallbacks", "errors", "skipped", "cost_usd", "score"]]


def _score(counts: pd.DataFrame) -> pd.Series:
    return (counts["wins"] + 0.5 * counts["draws"]) / counts["games"].where(counts["games"] > 0)


def _rule_breaking(t: Tally, level: float) -> pd.DataFrame:
    rates = rule_breaking_from_counts(t.rule_breaking, level)
    keep = ["scope", "player", "decisions", "illegal_per_100", "illegal_ci_low", "illegal_ci_high",
            "forfeits_per_100", "forfeits_ci_low", "forfeits_ci_high", "fallbacks_per_100"]
    return rates[keep]


def _usage(sums: pd.DataFrame) -> pd.DataFrame:
    """Tokens of every seat, errored ones included: they were spent (cost comes from the counts)."""
    usage = sums[["game_key", "player", "prompt_tokens", "completion_tokens"]]
    per_game = usage.rename(columns={"game_key": "scope"})
    pooled = usage.drop(columns="game_key").groupby("player", as_index=False).sum().assign(scope=POOLED)
    return pd.concat([per_game, pooled], ignore_index=True).rename(
        columns={"prompt_tokens": "tokens_in", "completion_tokens": "tokens_out"})


def _latency(results: Results) -> pd.DataFrame:
    """Mean and 95th percentile seconds per model call (moves rows with a prompt); NaN without calls or moves."""
    columns = ["scope", "player", "latency_mean_s", "latency_p95_s"]
    moves = results.moves
    if moves.empty:
        return pd.DataFrame(columns=columns)
    calls = moves.loc[moves["prompt"].notna(), ["episode_id", "player", "latency_s"]]
    calls = calls.assign(scope=calls["episode_id"].map(results.episodes.set_index("episode_id")["game_key"]))
    calls = pd.concat([calls, calls.assign(scope=POOLED)], ignore_index=True)
    g = calls.groupby(["scope", "player"])["latency_s"]
    out = pd.DataFrame({"latency_mean_s": g.mean(), "latency_p95_s": g.quantile(0.95)}).reset_index()
    return out[columns]


def _ranked(board: pd.DataFrame) -> pd.DataFrame:
    """Best rating first within each scope; players without a rating (no finished game) last, unranked."""
    board = board.sort_values(["scope", "rating", "player"], ascending=[True, False, True], na_position="last")
    rank = board.groupby("scope").cumcount() + 1
    board["rank"] = np.where(board["rating"].notna(), rank, np.nan)
    board["rank"] = board["rank"].astype("Int64")
    return board.reset_index(drop=True)


def _not_rated(episodes: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Errored and skipped episodes per scope: they have no result, so no rating counts them."""
    out: dict[str, dict[str, int]] = {}
    bad = episodes[episodes["status"].isin(NOT_PLAYED)]
    for scope, g in [*bad.groupby("game_key"), (POOLED, bad)]:
        out[scope] = {status.value: int((g["status"] == status).sum()) for status in NOT_PLAYED}
    return out
