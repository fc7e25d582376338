"""Bradley-Terry ratings with intervals that hold in every regime, per game and pooled over games.

Point estimates are the penalised maximum-likelihood fit (`bradley_terry`: a weak
N(0, 1000 Elo) prior keeps a perfect record finite). Ratings are on the Elo scale
(400 log10: a 10:1 win ratio is 400 points), anchored so the reference player sits
at `anchor_rating` (1000 unless told, e.g. a Stockfish player's UCI Elo); its interval
is therefore a point and every other interval is the uncertainty of the difference
to it. Without the reference player in a scope the mean of that scope's players sits
at ANCHOR_RATING: a pinned rating means nothing where its player did not play.

Each interval is the wider, end by end, of two intervals:
- the profile-likelihood interval (`profile`): valid with a few games per pairing,
  lopsided pairs, perfect (unbeaten or winless) records and draws-only records,
  where every bootstrap resample looks alike and the percentiles collapse;
- the episode-bootstrap percentile interval (`bootstrap`, `rounds` rounds, seeded):
  it also sees what the model does not (dependent pairs of a multi-player episode,
  strengths that are not transitive).
With many games the two agree; with few, the profile interval is the one that holds.
Coverage per regime is measured on synthetic truth by `arena.ratings.coverage`.

Pooled ratings weight every game equally (`bootstrap.scales`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from arena.ratings.bootstrap import EpisodeTypes, Game, episode_types, fit_rounds, game_from_types, percentile_interval, scales
from arena.ratings.bradley_terry import ELO_PER_NATURAL
from arena.ratings.comparisons import comparisons
from arena.ratings.profile import profile_bounds, sandwich_factors

POOLED = "all"
"""Scope name of the ratings pooled over games."""
ANCHOR_RATING = 1000.0
"""Rating of the reference player unless told otherwise, and of the mean player of a scope without it."""
DEFAULT_REFERENCE = "random"
SEAT_COLUMNS = ["scope", "elo", "ci_low", "ci_high"]


@dataclass(frozen=True)
class Ratings:
    """Ratings of every scope (each game_key, plus POOLED)."""

    table: pd.DataFrame
    """scope, player, rating, ci_low, ci_high, comparisons (weighted count the player took part in)."""
    seat_advantage: pd.DataFrame
    """scope, elo, ci_low, ci_high: the first mover's advantage in Elo points (NaN in a scope without
    a first mover); empty unless asked."""
    anchor: dict[str, str]
    """scope -> the reference player, or "mean"."""
    rounds: int
    level: float
    reference: str | None = None
    """The player asked to be the anchor (it may be missing from some scopes)."""
    anchor_rating: float = ANCHOR_RATING
    """The rating the reference sits at where it played."""

    def anchored_at(self, scope: str) -> float:
        """The rating of `scope`'s anchor: the reference's, or ANCHOR_RATING for the mean player."""
        return anchored_at(self.anchor.get(scope, "mean"), self.anchor_rating)


def anchored_at(anchor: str, anchor_rating: float) -> float:
    """The rating an anchor ("mean" or the reference player) sits at."""
    return ANCHOR_RATING if anchor == "mean" else anchor_rating


def anchor_text(anchor: str, reference: str | None, anchor_rating: float) -> str:
    """What a scope is anchored to, e.g. "sf_1500 = 1500" or "mean player = 1000; sf_1500 did not play here".

    The default reference missing goes unsaid: nobody asked for it."""
    if anchor != "mean":
        return f"{anchor} = {anchor_rating:g}"
    missing = reference is not None and (reference != DEFAULT_REFERENCE or anchor_rating != ANCHOR_RATING)
    return f"mean player = {ANCHOR_RATING:g}" + (f"; {reference} did not play here" if missing else "")


@dataclass(frozen=True)
class _Scope:
    name: str
    players: np.ndarray  # global indices
    theta: np.ndarray  # (1 + rounds, P) over all players; row 0 the observed data
    eta: np.ndarray  # (1 + rounds,)
    w: np.ndarray  # (2, P, P) observed data over all players
    n: np.ndarray
    seat: bool  # the seat term was fitted
    parts: list  # pooled: (scale, w, n) per game, for the sandwich factor; else empty


def rate(seats: pd.DataFrame, *, rounds: int = 1000, seed: int = 0, reference: str | None = DEFAULT_REFERENCE,
         anchor_rating: float = ANCHOR_RATING, seat_advantage: bool = False, exclude_forfeits: bool = False,
         prior_sd: float | None = 1000.0, level: float = 0.95) -> Ratings:
    """Bradley-Terry ratings of the finished episodes in `seats` (a results `seats` DataFrame).

    `rounds` bootstrap rounds, seeded by `seed` (0: point estimates only, no intervals).
    `reference` sits at `anchor_rating` where it played (elsewhere the mean player sits at ANCHOR_RATING);
    `exclude_forfeits` rates only episodes nobody forfeited; `seat_advantage` adds a first-mover term,
    reported in `Ratings.seat_advantage`.
    """
    return rate_comparisons(comparisons(seats, exclude_forfeits=exclude_forfeits), rounds=rounds, seed=seed,
                            reference=reference, anchor_rating=anchor_rating, seat_advantage=seat_advantage,
                            prior_sd=prior_sd, level=level)


def rate_comparisons(comps: pd.DataFrame, *, rounds: int = 1000, seed: int = 0,
                     reference: str | None = DEFAULT_REFERENCE, anchor_rating: float = ANCHOR_RATING,
                     seat_advantage: bool = False, prior_sd: float | None = 1000.0, level: float = 0.95) -> Ratings:
    """`rate` on comparisons already built (`arena.ratings.comparisons`)."""
    if seat_advantage and "sequential" not in comps.columns:
        raise ValueError("seat_advantage needs the comparisons' 'sequential' column (which pairs have a first mover)")
    names = sorted(set(comps["first"]) | set(comps["second"]))
    index = {name: i for i, name in enumerate(names)}
    types = {name: episode_types(name, g, index) for name, g in comps.groupby("game", sort=True)}
    return rate_types(types, names, rounds=rounds, seed=seed, reference=reference, anchor_rating=anchor_rating,
                      seat_advantage=seat_advantage, prior_sd=prior_sd, level=level)


def rate_types(types: dict[str, EpisodeTypes], players: list[str], *, rounds: int = 1000, seed: int = 0,
               reference: str | None = DEFAULT_REFERENCE, anchor_rating: float = ANCHOR_RATING,
               seat_advantage: bool = False, exclude_forfeits: bool = False, prior_sd: float | None = 1000.0,
               level: float = 0.95) -> Ratings:
    """`rate` on episode types already counted (`bootstrap.episode_types`, codes over `players` in that order),
    which is how a folder too large to hold as comparisons is rated, chunk by chunk."""
    if reference is None and anchor_rating != ANCHOR_RATING:
        raise ValueError(f"anchor_rating {anchor_rating:g} needs a reference player to sit there")
    if exclude_forfeits:
        types = {name: t.without_forfeits() for name, t in types.items()}
    types = {name: t for name, t in sorted(types.items()) if t.counts.sum() > 0}
    seen = np.unique(np.concatenate([_players_of(t, len(players)) for t in types.values()] or [np.zeros(0, int)]))
    if len(seen) == 0:
        return _empty(rounds, level, reference, anchor_rating)
    names = np.array(players, dtype=object)[seen]
    remap = np.full(len(players), -1, np.int64)
    remap[seen] = np.arange(len(seen))
    games = [game_from_types(name, _reindexed(t, remap, len(players), len(seen)), len(seen))
             for name, t in types.items()]
    involvement = _involvement(games, len(seen))
    tables: list[pd.DataFrame] = []
    seat_rows: list[dict] = []
    anchors: dict[str, str] = {}
    for scope in _scopes(games, len(names), rounds, seed, seat_advantage, prior_sd):
        players = scope.players
        ref = np.flatnonzero(names[players] == reference)
        anchors[scope.name] = reference if reference is not None and len(ref) else "mean"
        theta = scope.theta[:, players]
        centre = theta[:, ref[0]] if len(ref) else theta.mean(axis=1)
        at = anchored_at(anchors[scope.name], anchor_rating)
        elo = at + ELO_PER_NATURAL * (theta - centre[:, None])  # row 0: the observed data
        low, high = percentile_interval(elo[1:], level)
        eta = ELO_PER_NATURAL * scope.eta
        seat_low, seat_high = percentile_interval(eta[1:, None], level)
        if rounds:
            low, high, seat_low, seat_high = _widen(scope, ref, at, level, prior_sd, low, high, seat_low, seat_high)
        tables.append(pd.DataFrame({
            "scope": scope.name, "player": names[players], "rating": elo[0], "ci_low": low, "ci_high": high,
            "comparisons": involvement[scope.name][players],
        }))
        if seat_advantage:
            row = (eta[0], seat_low[0], seat_high[0]) if scope.seat else (np.nan,) * 3
            seat_rows.append(dict(zip(SEAT_COLUMNS, (scope.name, *row), strict=True)))
    if len(games) == 1:  # pooled over one game is that game
        tables.append(tables[0].assign(scope=POOLED))
        seat_rows += [{**row, "scope": POOLED} for row in seat_rows]
        anchors[POOLED] = anchors[games[0].name]
    return Ratings(pd.concat(tables, ignore_index=True), pd.DataFrame(seat_rows, columns=SEAT_COLUMNS), anchors,
                   rounds, level, reference, anchor_rating)


def _scopes(games: list[Game], p: int, rounds: int, seed: int, seat_advantage: bool, prior_sd: float | None):
    """Every game's scope, then the pooled one when there are several games."""
    per_game, pooled = fit_rounds(games, p, rounds, seed, seat_advantage, prior_sd)
    observed = [g.observed(p) for g in games]
    for game, (w, n) in zip(games, observed, strict=True):
        yield _Scope(game.name, game.players, *per_game[game.name], w, n, seat_advantage and game.sequential, [])
    if pooled is None:
        return
    parts = [(s, w, n) for s, (w, n) in zip(scales(games), observed, strict=True)]
    w = sum(s * w for s, w, _ in parts)
    n = sum(s * n for s, _, n in parts)
    yield _Scope(POOLED, np.arange(p), *pooled, w, n, seat_advantage and any(g.sequential for g in games), parts)


def _widen(scope: _Scope, ref: np.ndarray, at: float, level: float, prior_sd: float | None, low, high, seat_low,
           seat_high):
    """The bootstrap ends widened to the profile-likelihood ends, in Elo points (the anchor sits at `at`; the
    reference's interval stays that point)."""
    players = scope.players
    k = len(players)
    sub = np.ix_(np.arange(2), players, players)
    w, n = scope.w[sub], scope.n[sub]
    x_hat = np.append(scope.theta[0, players], scope.eta[0])
    contrasts = np.eye(k + 1)[:k] - (np.eye(k + 1)[ref[0]] if len(ref) else np.append(np.full(k, 1.0 / k), 0.0))
    if scope.seat:
        contrasts = np.vstack([contrasts, np.eye(k + 1)[k]])
    keep = np.ones(len(contrasts), bool)
    keep[ref] = False  # the reference's own difference is 0 by definition
    parts = [(s, pw[sub], pn[sub]) for s, pw, pn in scope.parts]
    sandwich = sandwich_factors(parts, x_hat, contrasts[keep], scope.seat, prior_sd) if parts else None
    lo, hi = np.full(len(contrasts), np.nan), np.full(len(contrasts), np.nan)
    lo[keep], hi[keep] = profile_bounds(w, n, x_hat, contrasts[keep], seat_advantage=scope.seat, prior_sd=prior_sd,
                                        level=level, sandwich=sandwich)
    lo, hi = ELO_PER_NATURAL * lo, ELO_PER_NATURAL * hi
    if scope.seat:
        seat_low, seat_high = np.fmin(seat_low, lo[-1:]), np.fmax(seat_high, hi[-1:])
        lo, hi = lo[:-1], hi[:-1]
    low, high = np.fmin(low, at + lo), np.fmax(high, at + hi)
    if len(ref):
        low[ref], high[ref] = at, at
    return low, high, seat_low, seat_high


def _players_of(types: EpisodeTypes, p: int) -> np.ndarray:
    pairs = (types.codes // 3) % (p * p)
    return np.unique(np.concatenate([(pairs // p).ravel(), (pairs % p).ravel()]))


def _reindexed(types: EpisodeTypes, remap: np.ndarray, p_old: int, p_new: int) -> EpisodeTypes:
    """The same types with player indices mapped through `remap` (codes over p_old players -> over p_new)."""
    score2, cell = types.codes % 3, types.codes // 3
    neutral, pair = cell // (p_old * p_old), cell % (p_old * p_old)
    first, second = remap[pair // p_old], remap[pair % p_old]
    codes = ((neutral * p_new + first) * p_new + second) * 3 + score2
    return EpisodeTypes(codes, types.forfeit, types.counts, types.weight)


def _involvement(games: list[Game], p: int) -> dict[str, np.ndarray]:
    """Weighted number of comparisons each player took part in, per game and pooled (not rescaled)."""
    out = {}
    for game in games:
        _, n = game.observed(p)
        out[game.name] = n.sum(axis=(0, 2)) + n.sum(axis=(0, 1))
    out[POOLED] = sum(out.values(), np.zeros(p))
    return out


def _empty(rounds: int, level: float, reference: str | None, anchor_rating: float) -> Ratings:
    table = pd.DataFrame({c: pd.Series(dtype=t) for c, t in [
        ("scope", "object"), ("player", "object"), ("rating", "float64"), ("ci_low", "float64"),
        ("ci_high", "float64"), ("comparisons", "float64")]})
    return Ratings(table, pd.DataFrame(columns=SEAT_COLUMNS), {}, rounds, level, reference, anchor_rating)
