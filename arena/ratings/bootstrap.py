"""Bradley-Terry ratings with bootstrap confidence intervals, per game and pooled over games.

The bootstrap resamples episodes with replacement, separately within each game
(stratified), and refits every round. It is vectorised: episodes with the same
content (same players in the same seats, same result) are one "type", and
resampling E episodes uniformly is the same as drawing the type counts from a
multinomial(E, observed type shares). So a round costs one multinomial draw per
game and one sparse product, whatever the number of episodes, and all rounds are
fitted at once (`bradley_terry.fit`).

Pooled ratings weight every game equally: each game's comparisons are scaled by
(mean episodes per game) / (episodes of that game), so a game played 10x as often
does not dominate, and the total weight (which sets how much the weak prior
matters) stays that of the data. The pooled round b uses the same per-game
resamples as the per-game round b.

Ratings are on the Elo scale (400 log10: a 10:1 win ratio is 400 points),
anchored so the reference player sits at 1000 in every round; its interval is
therefore [1000, 1000] and every other interval is the uncertainty of the
difference to it. Without the reference player in a scope the mean of that
scope's players sits at 1000. Intervals are bootstrap percentiles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from arena.ratings.bradley_terry import ELO_PER_NATURAL, fit
from arena.ratings.comparisons import comparisons

POOLED = "all"
"""Scope name of the ratings pooled over games."""
ANCHOR_RATING = 1000.0
"""Rating of the reference player (or of the mean player when there is none)."""
DEFAULT_REFERENCE = "random"
_CELLS_PER_CHUNK = 4_000_000  # rounds x players^2 held at once: bounds memory for large fields


@dataclass(frozen=True)
class Ratings:
    """Ratings of every scope (each game_key, plus POOLED)."""

    table: pd.DataFrame
    """scope, player, rating, ci_low, ci_high, comparisons (weighted count the player took part in)."""
    seat_advantage: pd.DataFrame
    """scope, elo, ci_low, ci_high: the first seat's advantage in Elo points; empty unless asked."""
    anchor: dict[str, str]
    """scope -> the reference player, or "mean"."""
    rounds: int
    level: float


@dataclass(frozen=True)
class _Game:
    """One game's episodes reduced to distinct types (see the module docstring)."""

    name: str
    episodes: int
    type_counts: np.ndarray  # (T,)
    wins: sp.csr_matrix  # (T, P*P): weighted score of first over second, per type
    games: sp.csr_matrix  # (T, P*P): weighted comparisons, per type
    players: np.ndarray  # indices into the global player list of those who played this game


def rate(seats: pd.DataFrame, *, rounds: int = 1000, seed: int = 0, reference: str | None = DEFAULT_REFERENCE,
         seat_advantage: bool = False, exclude_forfeits: bool = False, prior_sd: float | None = 1000.0,
         level: float = 0.95) -> Ratings:
    """Bradley-Terry ratings of the finished episodes in `seats` (a results `seats` DataFrame).

    `rounds` bootstrap rounds (0: no intervals), seeded by `seed`. `reference` sits at
    1000 where it played; `exclude_forfeits` rates only episodes nobody forfeited;
    `seat_advantage` adds a first-seat term, reported in `Ratings.seat_advantage`.
    """
    return rate_comparisons(comparisons(seats, exclude_forfeits=exclude_forfeits), rounds=rounds, seed=seed,
                            reference=reference, seat_advantage=seat_advantage, prior_sd=prior_sd, level=level)


def rate_comparisons(comps: pd.DataFrame, *, rounds: int = 1000, seed: int = 0,
                     reference: str | None = DEFAULT_REFERENCE, seat_advantage: bool = False,
                     prior_sd: float | None = 1000.0, level: float = 0.95) -> Ratings:
    """`rate` on comparisons already built (`arena.ratings.comparisons`)."""
    names = np.array(sorted(set(comps["first"]) | set(comps["second"])), dtype=object)
    if len(names) == 0:
        return _empty(rounds, level)
    index = {name: i for i, name in enumerate(names)}
    games = [_reduce(name, g, index) for name, g in comps.groupby("game", sort=True)]
    thetas, etas = _fit_rounds(games, len(names), rounds, seed, seat_advantage, prior_sd)
    involvement = _involvement(comps, index)
    tables, seat_rows, anchors = [], [], {}
    for scope, theta in thetas.items():
        players = next((g.players for g in games if g.name == scope), np.arange(len(names)))
        theta = theta[:, players]
        ref = np.flatnonzero(names[players] == reference)
        anchors[scope] = reference if len(ref) else "mean"
        centre = theta[:, ref[0]] if len(ref) else theta.mean(axis=1)
        elo = ANCHOR_RATING + ELO_PER_NATURAL * (theta - centre[:, None])  # row 0: the observed data
        low, high = _interval(elo[1:], level)
        tables.append(pd.DataFrame({
            "scope": scope, "player": names[players], "rating": elo[0], "ci_low": low, "ci_high": high,
            "comparisons": involvement[scope][players],
        }))
        if seat_advantage:
            eta = ELO_PER_NATURAL * etas[scope]
            low, high = _interval(eta[1:, None], level)
            seat_rows.append({"scope": scope, "elo": eta[0], "ci_low": low[0], "ci_high": high[0]})
    return Ratings(pd.concat(tables, ignore_index=True),
                   pd.DataFrame(seat_rows, columns=["scope", "elo", "ci_low", "ci_high"]), anchors, rounds, level)


def _fit_rounds(games: list[_Game], p: int, rounds: int, seed: int, seat_advantage: bool,
                prior_sd: float | None) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Log-strengths (1 + rounds, P) and seat terms (1 + rounds,) per scope; row 0 fits the observed data.

    Rounds go in chunks so that memory stays bounded for large fields; each game has
    its own seeded generator, so its resamples do not depend on the other games.
    """
    pooled = len(games) > 1
    thetas: dict[str, list[np.ndarray]] = {name: [] for name in [g.name for g in games] + [POOLED] * pooled}
    etas: dict[str, list[np.ndarray]] = {name: [] for name in thetas}
    mean_episodes = np.mean([g.episodes for g in games])
    rngs = [np.random.default_rng([seed, i]) for i in range(len(games))]
    chunk = max(1, _CELLS_PER_CHUNK // (p * p))
    for start in range(0, rounds + 1, chunk):
        size = min(chunk, rounds + 1 - start)
        pooled_w, pooled_n = np.zeros((size, p * p)), np.zeros((size, p * p))
        for game, rng in zip(games, rngs):
            counts = _round_counts(game, rng, size, include_observed=start == 0)
            w, n = _cells(game.wins, counts), _cells(game.games, counts)
            scale = mean_episodes / game.episodes  # every game weighs the same in the pooled fit
            pooled_w += scale * w
            pooled_n += scale * n
            theta, eta = _fit_players(w, n, game.players, p, seat_advantage, prior_sd)
            thetas[game.name].append(theta)
            etas[game.name].append(eta)
        if pooled:
            theta, eta = _fit_players(pooled_w, pooled_n, np.arange(p), p, seat_advantage, prior_sd)
            thetas[POOLED].append(theta)
            etas[POOLED].append(eta)
    if not pooled:  # one game: pooled is that game
        thetas[POOLED], etas[POOLED] = thetas[games[0].name], etas[games[0].name]
    return ({k: np.concatenate(v) for k, v in thetas.items()}, {k: np.concatenate(v) for k, v in etas.items()})


def _reduce(name: str, comps: pd.DataFrame, index: dict[str, int]) -> _Game:
    """Group one game's episodes into distinct types: (type counts, per-type comparison cells)."""
    p = len(index)
    first = comps["first"].map(index).to_numpy(np.int64)
    second = comps["second"].map(index).to_numpy(np.int64)
    score2 = np.rint(comps["score"].to_numpy(float) * 2).astype(np.int64)  # 0 loss, 1 draw, 2 win
    code = (first * p + second) * 3 + score2
    weight = comps["weight"].to_numpy(float)
    episode = pd.factorize(comps["episode_id"])[0]
    order = np.lexsort((code, episode))
    code, weight, episode = code[order], weight[order], episode[order]
    per_episode = np.bincount(episode)
    k = int(per_episode[0])
    if not (per_episode == k).all():
        raise ValueError(f"{name}: episodes with different numbers of seats in one game")
    types, type_counts = np.unique(code.reshape(-1, k), axis=0, return_counts=True)
    # Every comparison of a game has the same weight (1/(n-1) for its n seats).
    w = float(weight[0])
    rows = np.repeat(np.arange(len(types)), k)
    cells = (types // 3).ravel()
    scores = (types % 3).ravel() / 2.0
    shape = (len(types), p * p)
    wins = sp.csr_matrix((w * scores, (rows, cells)), shape=shape)
    games = sp.csr_matrix((np.full(len(cells), w), (rows, cells)), shape=shape)
    players = np.unique(np.concatenate([first, second]))
    return _Game(name, len(per_episode), type_counts, wins, games, players)


def _round_counts(game: _Game, rng: np.random.Generator, size: int, include_observed: bool) -> np.ndarray:
    """(size, T) type counts: the observed ones first when asked, then multinomial resamples."""
    draws = size - include_observed
    resampled = rng.multinomial(game.episodes, game.type_counts / game.episodes, size=draws)
    if include_observed:
        resampled = np.vstack([game.type_counts[None, :], resampled])
    return resampled.astype(float)


def _cells(per_type: sp.csr_matrix, counts: np.ndarray) -> np.ndarray:
    """(rounds, P*P) totals: counts (rounds, T) times per-type cells (T, P*P), sparse on the right."""
    return np.asarray((per_type.T @ counts.T).T)


def _fit_players(w: np.ndarray, n: np.ndarray, players: np.ndarray, p: int, seat_advantage: bool,
                 prior_sd: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Fit on the sub-matrix of `players`; returns log-strengths (rounds, P) with zeros elsewhere, and eta."""
    rounds = len(w)
    sub = np.ix_(np.arange(rounds), players, players)
    theta_sub, eta = fit(w.reshape(rounds, p, p)[sub], n.reshape(rounds, p, p)[sub], seat_advantage, prior_sd)
    theta = np.zeros((rounds, p))
    theta[:, players] = theta_sub
    return theta, eta


def _involvement(comps: pd.DataFrame, index: dict[str, int]) -> dict[str, np.ndarray]:
    """Weighted number of comparisons each player took part in, per game and pooled (not rescaled)."""
    out = {name: _count(g, index) for name, g in comps.groupby("game")}
    out[POOLED] = _count(comps, index)
    return out


def _count(comps: pd.DataFrame, index: dict[str, int]) -> np.ndarray:
    total = np.zeros(len(index))
    for column in ("first", "second"):
        np.add.at(total, comps[column].map(index).to_numpy(np.int64), comps["weight"].to_numpy(float))
    return total


def _interval(samples: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval per column; NaN when there are no bootstrap rounds."""
    if len(samples) == 0:
        nan = np.full(samples.shape[1], np.nan)
        return nan, nan.copy()
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(samples, [tail, 100.0 - tail], axis=0)
    return low, high


def _empty(rounds: int, level: float) -> Ratings:
    table = pd.DataFrame({c: pd.Series(dtype=t) for c, t in [
        ("scope", "object"), ("player", "object"), ("rating", "float64"), ("ci_low", "float64"),
        ("ci_high", "float64"), ("comparisons", "float64")]})
    return Ratings(table, pd.DataFrame(columns=["scope", "elo", "ci_low", "ci_high"]), {}, rounds, level)
