"""What an adaptive schedule has observed so far: results counted per game, seating and outcome.

Adaptive scheduling needs only counts, not episodes: for each game and each ordered
pair (first seat, second seat) how many episodes the first seat won, drew and lost.
From these it gets the episodes per pairing (what `min_per_pairing` fills), the
data of the Bradley-Terry fit (through `types`, the form `rate_types` takes) and the
Fisher information of the next round's choice. Two-player games only: a multi-player
episode's pairs are not separate episodes a schedule could ask for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from arena.ratings.bootstrap import EpisodeTypes

LOSS, DRAW, WIN = 0, 1, 2
"""Outcome index of the first seat, as in `EpisodeTypes` codes (twice its score)."""


@dataclass(frozen=True)
class Observed:
    """Episode counts (G, P, P, 3): [game, first seat, second seat, outcome of the first seat]."""

    games: tuple[str, ...]
    players: tuple[str, ...]
    counts: np.ndarray

    @staticmethod
    def empty(games: list[str] | tuple[str, ...], players: list[str] | tuple[str, ...]) -> Observed:
        return Observed(tuple(games), tuple(players), np.zeros((len(games), len(players), len(players), 3), np.int64))

    @staticmethod
    def from_comparisons(comps: pd.DataFrame, games: list[str], players: list[str]) -> Observed:
        """Counts of `arena.ratings.comparisons` rows (two-player games: every weight 1)."""
        if len(comps) and not np.allclose(comps["weight"].to_numpy(float), 1.0):
            raise ValueError("adaptive schedules count two-player episodes; these comparisons come from "
                             "multi-player games")
        g = pd.Index(games).get_indexer(comps["game"])
        a = pd.Index(players).get_indexer(comps["first"])
        b = pd.Index(players).get_indexer(comps["second"])
        if (g < 0).any() or (a < 0).any() or (b < 0).any():
            raise ValueError("comparisons name a game or player the schedule does not know")
        outcome = np.rint(comps["score"].to_numpy(float) * 2).astype(np.int64)
        return Observed.empty(games, players).plus(g, a, b, outcome)

    @staticmethod
    def from_types(types: dict[str, EpisodeTypes], players: list[str]) -> Observed:
        """Counts of episode types (`bootstrap.episode_types`, codes over `players`, one comparison per episode)."""
        games = sorted(types)
        p = len(players)
        out = Observed.empty(games, players)
        for g, name in enumerate(games):
            t = types[name]
            if t.codes.shape[1] != 1:
                raise ValueError(f"{name}: adaptive schedules count two-player episodes")
            code = t.codes[:, 0]
            pair = (code // 3) % (p * p)
            np.add.at(out.counts[g], (pair // p, pair % p, code % 3), t.counts)
        return out

    def plus(self, game: np.ndarray, first: np.ndarray, second: np.ndarray, outcome: np.ndarray) -> Observed:
        """These counts with one more episode per element of the (equal-length) index arrays."""
        counts = self.counts.copy()
        np.add.at(counts, (np.asarray(game), np.asarray(first), np.asarray(second), np.asarray(outcome)), 1)
        return Observed(self.games, self.players, counts)

    def merged(self, other: Observed) -> Observed:
        """These counts and `other`'s (the same games and players) together."""
        if (other.games, other.players) != (self.games, self.players):
            raise ValueError("counts of different games or players")
        return Observed(self.games, self.players, self.counts + other.counts)

    @property
    def episodes(self) -> int:
        return int(self.counts.sum())

    def by_seating(self) -> np.ndarray:
        """(G, P, P) episodes with i in the first seat and j in the second."""
        return self.counts.sum(axis=3)

    def per_pairing(self) -> np.ndarray:
        """(P, P) episodes of each pairing over both seatings and all games (symmetric)."""
        n = self.by_seating().sum(axis=0)
        return n + n.T

    def pooled(self) -> tuple[np.ndarray, np.ndarray]:
        """(P, P) score of i over j and games between them, over both seatings and all games."""
        c = self.counts.sum(axis=0)
        score = c[..., WIN] + 0.5 * c[..., DRAW]
        games = c.sum(axis=2)
        return score + (games - score).T, games + games.T

    def types(self) -> dict[str, EpisodeTypes]:
        """The counts as `rate_types` takes them: per game, one type per (seating, outcome) seen."""
        p = len(self.players)
        out = {}
        for g, name in enumerate(self.games):
            first, second, outcome = np.nonzero(self.counts[g])
            codes = ((first * p + second) * 3 + outcome)[:, None].astype(np.int64)
            out[name] = EpisodeTypes(codes, np.zeros(len(codes), bool), self.counts[g][first, second, outcome], 1.0)
        return out
