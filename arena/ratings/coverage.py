"""How often the rating intervals hold the truth, regime by regime, on synthetic tournaments.

A regime is a small tournament with known strengths: which pairs meet, how many
games each pairing plays in each game (drawn afresh in every trial), which pairs
only ever draw. Every trial plays it with its own seed, rates it, and checks, for
every player but the reference, whether the interval holds 1000 + the true
difference to the reference. The regimes are the ones the tool allows and intervals find hard: a few
games per pairing, lopsided pairs (true win probability >= 0.95), a player who won
or lost every game, a player whose only games are draws, a reference that is itself
unbeaten, a pooled rating over one large and one small game (which the pooled
scope weighs equally), and an ordinary tournament for comparison.

    python bench/ratings.py --coverage      # the table, last line JSON
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from arena.ratings.rating import POOLED, rate
from arena.ratings.synthetic import complete
from arena.results.schema import SEATS, EpisodeStatus

_FOUR = {"random": 0.0, "weak": 100.0, "middle": 250.0, "strong": 400.0}


@dataclass(frozen=True)
class Regime:
    name: str
    strengths: dict[str, float]  # true Elo; only differences matter
    games: tuple[tuple[int, int], ...]  # per game: games per pairing, uniform on [low, high] in each trial
    pairs: tuple[tuple[str, str], ...] = ()  # the pairings that meet; all of them when empty
    draws_only: tuple[tuple[str, str], ...] = ()  # pairings whose games are all draws
    reference: str = "random"
    note: str = ""

    def pairings(self) -> list[tuple[str, str]]:
        return list(self.pairs) or list(combinations(self.strengths, 2))


REGIMES = (
    Regime("ordinary", _FOUR, ((100, 100),), note="100 games per pairing"),
    Regime("few games", _FOUR, ((2, 10),)),
    Regime("lopsided", {"random": 0.0, "good": 600.0, "great": 1200.0}, ((2, 10),),
           note="true win probability 0.97 to 0.999 in every pairing"),
    Regime("unbeaten", {"random": 0.0, "middle": 200.0, "star": 900.0}, ((2, 10),),
           note="star wins 98-99.5% of its games"),
    Regime("winless", {"random": 0.0, "middle": 200.0, "hopeless": -700.0}, ((2, 10),),
           note="hopeless loses 98-99% of its games"),
    Regime("draws only", {"random": 0.0, "drawer": 100.0, "other": 200.0}, ((2, 10),),
           pairs=(("random", "drawer"), ("random", "other")), draws_only=(("random", "drawer"),),
           note="drawer's only games are draws against the reference"),
    Regime("reference unbeaten", {"random": 0.0, "weak": -700.0, "weaker": -1000.0}, ((2, 10),),
           note="the reference wins 98-99.7% of its games"),
    Regime("pooled, unequal games", _FOUR, ((60, 60), (2, 4)),
           note="pooled over a game of 60 and one of 2-4 games per pairing"),
)


def regime_seats(regime: Regime, rng: np.random.Generator) -> pd.DataFrame:
    """One trial's seats: each pairing plays its games with seats alternating (seat 0 moves first)."""
    first, second, draw, game = [], [], [], []
    for g, (low, high) in enumerate(regime.games):
        for a, b in regime.pairings():
            n = int(rng.integers(low, high + 1))
            flip = int(rng.integers(0, 2))
            for i in range(n):
                x, y = (a, b) if (i + flip) % 2 == 0 else (b, a)
                first.append(x)
                second.append(y)
                draw.append((a, b) in regime.draws_only or (b, a) in regime.draws_only)
                game.append(f"g{g + 1}")
    s = regime.strengths
    diff = np.array([s[x] - s[y] for x, y in zip(first, second, strict=True)])
    first_wins = rng.random(len(diff)) < 1.0 / (1.0 + 10.0 ** (-diff / 400.0))
    ret0 = np.where(draw, 0.0, np.where(first_wins, 1.0, -1.0))
    ids = np.array([f"{regime.name}-{i}" for i in range(len(diff))], dtype=object)
    rows, games = [], np.array(game, dtype=object)
    for seat, (players, ret) in enumerate([(first, ret0), (second, -ret0)]):
        rows.append(pd.DataFrame({
            "episode_id": ids, "play_id": ids, "game": games, "game_key": games, "seat": seat,
            "player": np.array(players, dtype=object), "player_type": "scripted",
            "status": EpisodeStatus.OK.value, "return": ret,
            "outcome": np.where(ret > 0, "win", np.where(ret < 0, "loss", "draw")), "decisions": 5,
        }))
    seats = pd.concat(rows, ignore_index=True).sort_values(["episode_id", "seat"], kind="stable")
    seats = complete(seats.reset_index(drop=True), SEATS)
    return seats.assign(first_mover=pd.array(seats["seat"] == 0, dtype="boolean"))


def coverage(regime: Regime, trials: int = 50, *, rounds: int = 500, seed: int = 0, level: float = 0.95) -> dict:
    """Share of intervals holding the truth over `trials` seeded trials, with the narrowest width seen."""
    hits = checks = perfect = 0
    widths = []
    for trial in range(trials):
        seats = regime_seats(regime, np.random.default_rng([seed, trial]))
        table = rate(seats, rounds=rounds, seed=trial, reference=regime.reference, level=level).table
        table = table[(table.scope == POOLED) & (table.player != regime.reference)].set_index("player")
        truth = 1000.0 + pd.Series(regime.strengths) - regime.strengths[regime.reference]
        inside = (table["ci_low"] <= truth[table.index]) & (truth[table.index] <= table["ci_high"])
        hits += int(inside.sum())
        checks += len(table)
        widths.extend((table["ci_high"] - table["ci_low"]).tolist())
        records = seats.groupby("player")["outcome"].agg(lambda o: o.nunique() == 1 and o.iloc[0] != "draw")
        perfect += int(records.any())
    return {"regime": regime.name, "trials": trials, "checks": checks, "hits": hits,
            "coverage": round(hits / checks, 3), "min_width_elo": round(float(np.min(widths)), 1),
            "trials_with_a_perfect_record": perfect}
