"""The episode bootstrap of the Bradley-Terry fit, per game and pooled over games (stratified by game).

It resamples episodes with replacement, separately within each game, and refits
every round. It is vectorised: episodes with the same content (same players in the
same seats, same result) are one "type", and resampling E episodes uniformly is the
same as drawing the type counts from a multinomial(E, observed type shares). So a
round costs one multinomial draw per game and one sparse product, whatever the
number of episodes, and all rounds are fitted at once (`bradley_terry.fit`).

Pooled fits weight every game equally: each game's comparisons are scaled by
(mean episodes per game) / (episodes of that game), so a game played 10x as often
does not dominate, and the total weight (which sets how much the prior matters)
stays that of the data. The pooled round b uses the same per-game resamples as the
per-game round b.

The bootstrap sees what the model does not (pairs of one multi-player episode that
are not independent, the games' weights in the pooled fit, strengths that are not
transitive) but it collapses where every resample looks alike: a perfect record
stays perfect in every round. `arena.ratings.rating` therefore reports the wider of
its percentile interval and the profile-likelihood interval (`arena.ratings.profile`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from arena.ratings.bradley_terry import fit

_CELLS_PER_CHUNK = 4_000_000  # rounds x players^2 held at once: bounds memory for large fields


@dataclass(frozen=True)
class Game:
    """One game's episodes reduced to distinct types (see the module docstring)."""

    name: str
    episodes: int
    type_counts: np.ndarray  # (T,)
    wins: sp.csr_matrix  # (T, 2*P*P): weighted score of first over second, per type; [with a first mover, without]
    games: sp.csr_matrix  # (T, 2*P*P): weighted comparisons, per type
    players: np.ndarray  # indices into the global player list of those who played this game
    sequential: bool  # some comparison has a first mover: the seat term can be fitted

    def observed(self, p: int) -> tuple[np.ndarray, np.ndarray]:
        """The observed data as (2, P, P) wins and games over all P players."""
        counts = self.type_counts.astype(float)[None, :]
        return _cells(self.wins, counts).reshape(2, p, p), _cells(self.games, counts).reshape(2, p, p)


@dataclass(frozen=True)
class EpisodeTypes:
    """One game's episodes as distinct types: (T, k) comparison codes over P players, and how often each occurred.

    A code is ((neutral * P + first) * P + second) * 3 + score2 (0 loss, 1 draw, 2 win of first
    over second; neutral: the pair has no first mover), an episode's k codes sorted. `forfeit`
    marks types in which someone forfeited. Types of several chunks of one game add up (`combine`).
    """

    codes: np.ndarray  # (T, k) int64
    forfeit: np.ndarray  # (T,) bool
    counts: np.ndarray  # (T,) int64
    weight: float  # every comparison of a game has the same weight: 1/(n-1) for its n seats

    @staticmethod
    def combine(parts: list[EpisodeTypes], name: str) -> EpisodeTypes:
        if len({p.codes.shape[1] for p in parts}) > 1:
            raise ValueError(f"{name}: episodes with different numbers of seats in one game")
        keys = np.hstack([np.concatenate([p.forfeit for p in parts])[:, None].astype(np.int64),
                          np.concatenate([p.codes for p in parts])])
        unique, inverse = np.unique(keys, axis=0, return_inverse=True)
        counts = np.bincount(inverse.ravel(), weights=np.concatenate([p.counts for p in parts]),
                             minlength=len(unique)).astype(np.int64)
        return EpisodeTypes(unique[:, 1:], unique[:, 0].astype(bool), counts, parts[0].weight)

    def without_forfeits(self) -> EpisodeTypes:
        keep = ~self.forfeit
        return EpisodeTypes(self.codes[keep], self.forfeit[keep], self.counts[keep], self.weight)


def episode_types(name: str, comps: pd.DataFrame, index: dict[str, int]) -> EpisodeTypes:
    """One game's comparisons (arena.ratings.comparisons) grouped into episode types over the players of `index`."""
    p = len(index)
    first = comps["first"].map(index).to_numpy(np.int64)
    second = comps["second"].map(index).to_numpy(np.int64)
    score2 = np.rint(comps["score"].to_numpy(float) * 2).astype(np.int64)  # 0 loss, 1 draw, 2 win
    neutral = ~comps["sequential"].to_numpy(bool) if "sequential" in comps else np.zeros(len(comps), bool)
    forfeit = comps["forfeit"].to_numpy(bool) if "forfeit" in comps else np.zeros(len(comps), bool)
    code = ((neutral * p + first) * p + second) * 3 + score2
    episode = pd.factorize(comps["episode_id"])[0]
    order = np.lexsort((code, episode))
    code, episode, forfeit = code[order], episode[order], forfeit[order]
    per_episode = np.bincount(episode)
    k = int(per_episode[0])
    if not (per_episode == k).all():
        raise ValueError(f"{name}: episodes with different numbers of seats in one game")
    keys = np.hstack([forfeit.reshape(-1, k)[:, :1].astype(np.int64), code.reshape(-1, k)])
    unique, counts = np.unique(keys, axis=0, return_counts=True)
    return EpisodeTypes(unique[:, 1:], unique[:, 0].astype(bool), counts, float(comps["weight"].iloc[0]))


def game_from_types(name: str, types: EpisodeTypes, p: int) -> Game:
    """The Game of `types` (codes over `p` players)."""
    k = types.codes.shape[1]
    # Types that differ only in the forfeit flag are one type to the fit.
    codes, inverse = np.unique(types.codes, axis=0, return_inverse=True)
    type_counts = np.bincount(inverse.ravel(), weights=types.counts, minlength=len(codes)).astype(np.int64)
    rows = np.repeat(np.arange(len(codes)), k)
    cells = (codes // 3).ravel()
    scores = (codes % 3).ravel() / 2.0
    shape = (len(codes), 2 * p * p)
    w = types.weight
    wins = sp.csr_matrix((w * scores, (rows, cells)), shape=shape)
    games = sp.csr_matrix((np.full(len(cells), w), (rows, cells)), shape=shape)
    pairs = cells % (p * p)
    players = np.unique(np.concatenate([pairs // p, pairs % p]))
    sequential = bool((cells < p * p).any())
    return Game(name, int(type_counts.sum()), type_counts, wins, games, players, sequential)


def reduce_game(name: str, comps: pd.DataFrame, index: dict[str, int]) -> Game:
    """Group one game's episodes into distinct types: (type counts, per-type comparison cells)."""
    return game_from_types(name, episode_types(name, comps, index), len(index))


def scales(games: list[Game]) -> np.ndarray:
    """Each game's factor in the pooled fit: (mean episodes per game) / (its episodes)."""
    episodes = np.array([g.episodes for g in games], dtype=float)
    return episodes.mean() / episodes


def fit_rounds(games: list[Game], p: int, rounds: int, seed: int, seat_advantage: bool,
               prior_sd: float | None) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], tuple[np.ndarray, np.ndarray] | None]:
    """Per game, and pooled when there are several games: log-strengths (1 + rounds, P), seat terms (1 + rounds,).

    Row 0 fits the observed data. Rounds go in chunks so that memory stays bounded
    for large fields; each game has its own seeded generator, so its resamples do
    not depend on the other games. A game (or pool) without a first mover gets no seat term.
    """
    pooled = len(games) > 1
    parts: dict[str | None, tuple[list, list]] = {g.name: ([], []) for g in games}
    if pooled:
        parts[None] = ([], [])
    rngs = [np.random.default_rng([seed, i]) for i in range(len(games))]
    chunk = max(1, _CELLS_PER_CHUNK // (p * p))
    pooled_seat = seat_advantage and any(g.sequential for g in games)
    for start in range(0, rounds + 1, chunk):
        size = min(chunk, rounds + 1 - start)
        pooled_w, pooled_n = np.zeros((size, 2 * p * p)), np.zeros((size, 2 * p * p))
        for game, rng, scale in zip(games, rngs, scales(games), strict=True):
            counts = _round_counts(game, rng, size, include_observed=start == 0)
            w, n = _cells(game.wins, counts), _cells(game.games, counts)
            pooled_w += scale * w
            pooled_n += scale * n
            _append(parts[game.name], _fit_players(w, n, game.players, p, seat_advantage and game.sequential,
                                                   prior_sd))
        if pooled:
            _append(parts[None], _fit_players(pooled_w, pooled_n, np.arange(p), p, pooled_seat, prior_sd))
    out = {k: (np.concatenate(t), np.concatenate(e)) for k, (t, e) in parts.items()}
    return {g.name: out[g.name] for g in games}, out.get(None)


def percentile_interval(samples: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval per column of (rounds, K) samples; NaN when there are no rounds."""
    if len(samples) == 0:
        nan = np.full(samples.shape[1], np.nan)
        return nan, nan.copy()
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(samples, [tail, 100.0 - tail], axis=0)
    return low, high


def _append(into: tuple[list, list], fitted: tuple[np.ndarray, np.ndarray]) -> None:
    into[0].append(fitted[0])
    into[1].append(fitted[1])


def _round_counts(game: Game, rng: np.random.Generator, size: int, include_observed: bool) -> np.ndarray:
    """(size, T) type counts: the observed ones first when asked, then multinomial resamples."""
    draws = size - include_observed
    resampled = rng.multinomial(game.episodes, game.type_counts / game.episodes, size=draws)
    if include_observed:
        resampled = np.vstack([game.type_counts[None, :], resampled])
    return resampled.astype(float)


def _cells(per_type: sp.csr_matrix, counts: np.ndarray) -> np.ndarray:
    """(rounds, 2*P*P) totals: counts (rounds, T) times per-type cells (T, 2*P*P), sparse on the right."""
    return np.asarray((per_type.T @ counts.T).T)


def _fit_players(w: np.ndarray, n: np.ndarray, players: np.ndarray, p: int, seat_advantage: bool,
                 prior_sd: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Fit on the sub-matrices of `players`; returns log-strengths (rounds, P) with zeros elsewhere, and eta."""
    rounds = len(w)
    sub = np.ix_(np.arange(rounds), np.arange(2), players, players)
    theta_sub, eta = fit(w.reshape(rounds, 2, p, p)[sub], n.reshape(rounds, 2, p, p)[sub], seat_advantage, prior_sd)
    theta = np.zeros((rounds, p))
    theta[:, players] = theta_sub
    return theta, eta
