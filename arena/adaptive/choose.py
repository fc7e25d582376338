"""The next round of an adaptive schedule: which pairings play how many seat-swapped pairs of episodes, and why.

The rule, in two steps:
1. Fill: every pairing, in every game, gets seat-swapped pairs until it has played
   at least `min_per_pairing` episodes (half in each seating). Until every player
   has a rating with an interval, a round is only this.
2. Shrink: the rest of the batch goes, one seat-swapped pair (2 episodes) at a time,
   to the pairing whose pair most reduces the total excess of the intervals over the
   target, sum over players of max(0, half-width - target_ci), as predicted from the
   Fisher information of the current fit (`information`). The covariance is updated
   after every pair (Sherman-Morrison), so the second pair of a batch sees the first.
   Only intervals that are still too wide count, and only by how much they are too
   wide: a pairing that narrows an interval already on target earns nothing. The
   allocation stops early once the predicted excess is gone.
Nothing more can help (`RoundChoice.nothing_helps`, an empty round) when even the
best pair's cut per episode, spent on every episode the schedule may still play
(`remaining_episodes`), would not close the excess: the rate only falls as a pairing
is played more (each game adds less to what is known), so this is an optimistic
bound, and the target is out of reach within the cap. A player unbeaten against
everyone is the typical case: only the prior bounds its interval from above, and
more of the same games narrow it by a point per hundred episodes. Without a cap,
only a round in which no pairing helps at all says so.
A pairing's pairs go to the game in which it has played least, so games stay level.
Ties (the first rounds, symmetric fields) are broken by the injected generator: the
whole sequence of rounds is deterministic from its seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from arena.adaptive.information import information, pair_weights, update_covariance, variance_after
from arena.adaptive.state import Observed
from arena.ratings.bradley_terry import ELO_PER_NATURAL
from arena.ratings.rating import POOLED, Ratings

FILL = "fill to min_per_pairing"
NO_GAIN = 1e-9
"""Predicted cut (Elo points per episode, relative to the excess) below which a pair is no help at all."""


@dataclass(frozen=True)
class Allocation:
    """`pairs` seat-swapped pairs of `game` between two players: each pair is one episode per seating,
    both with the same chance seed."""

    game: str
    players: tuple[str, str]
    pairs: int
    reason: str

    @property
    def episodes(self) -> int:
        return 2 * self.pairs


@dataclass(frozen=True)
class RoundChoice:
    """One round: what is played and why, with the half-widths (Elo points) it was chosen from."""

    allocations: tuple[Allocation, ...]
    half_widths: dict[str, float] = field(default_factory=dict)
    best_gain: float = math.inf
    """Predicted Elo points of excess half-width cut per episode by the best pairing (inf while filling)."""
    nothing_helps: bool = False

    @property
    def episodes(self) -> int:
        return sum(a.episodes for a in self.allocations)


def next_round(observed: Observed, ratings: Ratings | None, *, target_ci: float, batch_episodes: int,
               min_per_pairing: int, rng: np.random.Generator, remaining_episodes: int | None = None,
               prior_sd: float | None = 1000.0, closed: frozenset[tuple[str, str]] = frozenset()) -> RoundChoice:
    """The next round after `observed`, rated as `ratings` (pooled scope; None before any episode).

    `batch_episodes` bounds this round (beyond the fill); `remaining_episodes` is what the schedule
    may still play in all (None: no cap), which decides whether the target is still within reach.
    `closed`: pairings (either order) that get no more than their fill, e.g. those whose sequential test decided.
    """
    if min_per_pairing < 2:
        raise ValueError("min_per_pairing must be at least 2: one episode in each seating")
    fill = _fill(observed, min_per_pairing)
    allocations = _spread(observed, fill, FILL, None)
    current = _current(observed, ratings)
    if current is None:  # someone has no rating yet: the round is the fill
        return RoundChoice(tuple(allocations))
    theta, contrasts, names, half = current
    budget = max(0, batch_episodes - 2 * int(fill.sum())) // 2
    index = {name: k for k, name in enumerate(observed.players)}
    shut = {(min(index[a], index[b]), max(index[a], index[b])) for a, b in closed}
    pairs, best, reasons, hopeless = _shrink(observed, theta, contrasts, names, half, fill, target_ci, budget, rng,
                                             remaining_episodes, prior_sd, shut)
    n = observed.by_seating()
    played = n + n.transpose(0, 2, 1) + 2 * (fill + fill.transpose(0, 2, 1))  # a pair: one episode per seating
    allocations += _spread(observed, pairs, reasons, played)
    widths = {str(name): round(float(h), 1) for name, h in zip(names, half, strict=True)}
    return RoundChoice(tuple(allocations), widths, best, nothing_helps=hopeless and not fill.any())


def _fill(observed: Observed, min_per_pairing: int) -> np.ndarray:
    """(G, P, P) seat-swapped pairs (i < j) that bring every pairing to min_per_pairing in each game."""
    n = observed.by_seating()
    fewer = np.minimum(n, n.transpose(0, 2, 1))  # the seating played less
    need = np.maximum(0, math.ceil(min_per_pairing / 2) - fewer)
    return np.triu(need, k=1)


def _current(observed: Observed, ratings: Ratings | None):
    """theta (P,), contrasts (K, P), their players (K,), half-widths (K,) of the pooled ratings; None if incomplete."""
    if ratings is None:
        return None
    table = ratings.table[ratings.table.scope == POOLED].set_index("player")
    names = list(observed.players)
    if not set(names) <= set(table.index) or table[["ci_low", "ci_high"]].isna().any().any():
        return None
    table = table.loc[names]
    theta = (table["rating"].to_numpy(float) - table["rating"].mean()) / ELO_PER_NATURAL
    half = (table["ci_high"] - table["ci_low"]).to_numpy(float) / 2.0
    anchor = ratings.anchor.get(POOLED, "mean")
    p = len(names)
    eye = np.eye(p)
    if anchor in names:
        ref = names.index(anchor)
        keep = np.arange(p) != ref
        return theta, (eye - eye[ref])[keep], np.array(names)[keep], half[keep]
    return theta, eye - 1.0 / p, np.array(names), half


def _shrink(observed: Observed, theta, contrasts, names, half, fill, target, budget, rng, remaining, prior_sd,
            shut: set[tuple[int, int]]):
    """Greedy seat-swapped pairs (P, P, i < j), the best first gain per episode, a reason per pairing, and
    whether no pair can help (the excess is out of reach within the cap, or nothing cuts it at all)."""
    p = len(theta)
    weights = pair_weights(theta)
    played = observed.per_pairing() + 2 * (fill.sum(0) + fill.sum(0).T)
    cov = np.linalg.inv(information(theta, played, prior_sd))
    # Reported width over Fisher width, per contrast: where the prediction starts from.
    scale = half / np.sqrt(np.einsum("kp,pq,kq->k", contrasts, cov, contrasts))
    start_cov, start_half = cov, half.copy()
    upper = np.triu(np.ones((p, p), bool), k=1)
    order = rng.permutation(int(upper.sum()))  # tie-breaking among equal gains
    cells = np.argwhere(upper)[order]
    cells = cells[[(int(i), int(j)) not in shut for i, j in cells]] if shut else cells
    pairs = np.zeros((p, p), np.int64)
    if not len(cells):  # every pairing is closed: nothing to give the batch to
        return pairs, 0.0, {}, False
    best, hopeless = math.inf, False
    for step in range(budget):
        after = scale[:, None, None] * np.sqrt(variance_after(cov, contrasts, weights, 2.0))
        gain = (np.maximum(half - target, 0.0)[:, None, None] - np.maximum(after - target, 0.0)).sum(0)
        per_cell = gain[cells[:, 0], cells[:, 1]] / 2.0
        top = int(np.argmax(per_cell))
        excess = float(np.maximum(half - target, 0.0).sum())
        if step == 0:
            best = float(per_cell[top])
            hopeless = excess > 0.0 and (best <= NO_GAIN * excess or (remaining is not None and best * remaining < excess))
        if hopeless or excess == 0.0 or per_cell[top] <= NO_GAIN * excess:
            break
        i, j = cells[top]
        pairs[i, j] += 1
        cov = update_covariance(cov, i, j, 2.0 * weights[i, j])
        half = after[:, i, j]
    reasons = {}
    for i, j in np.argwhere(pairs):
        alone = scale * np.sqrt(variance_after(start_cov, contrasts, weights, 2.0 * pairs[i, j])[:, i, j])
        k = int(np.argmax(np.maximum(start_half - target, 0.0) - np.maximum(alone - target, 0.0)))
        reasons[(int(i), int(j))] = f"shrinks {names[k]}'s half-width {start_half[k]:.0f}→{alone[k]:.0f}"
    return pairs, best, reasons, hopeless


def _spread(observed: Observed, pairs: np.ndarray, reasons, played: np.ndarray | None) -> list[Allocation]:
    """Allocations of `pairs`: (G, P, P) per game with one reason, or (P, P) over games, each pairing's pairs
    going to the games in which it has `played` (G, P, P) least."""
    if pairs.ndim == 3:
        return [Allocation(observed.games[g], (observed.players[i], observed.players[j]), int(pairs[g, i, j]),
                           reasons) for g, i, j in np.argwhere(pairs)]
    assert played is not None
    out = []
    for i, j in np.argwhere(pairs):
        per_game = played[:, i, j].astype(float).copy()
        given = np.zeros(len(per_game), np.int64)
        for _ in range(int(pairs[i, j])):
            g = int(np.argmin(per_game))
            given[g] += 1
            per_game[g] += 2
        reason = reasons[(int(i), int(j))]
        out += [Allocation(observed.games[g], (observed.players[i], observed.players[j]), int(k), reason)
                for g, k in enumerate(given) if k]
    return out
