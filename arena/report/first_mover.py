"""The first mover's advantage per game: the fitted Bradley-Terry seat term in Elo points with its interval
(arena.ratings.rate, seat_advantage=True), and the raw score of the seat that moved first.

The fitted term separates the seat from who sat in it; the raw score does not, but it needs no
model: over a round robin, where seats swap evenly, the two agree in sign. Games whose first move
is simultaneous have no first mover: both are empty there.
"""

from __future__ import annotations

import pandas as pd

from arena.ratings import POOLED, rate_types
from arena.report.formats import interval, number, signed_number
from arena.report.html import Cell, Html, head, table
from arena.report.tables import Standings

FIRST_MOVER_COLUMNS = ["scope", "sequential", "episodes", "wins", "draws", "losses", "score", "elo", "ci_low", "ci_high"]


def seat_terms(s: Standings) -> pd.DataFrame:
    """The standings' seat advantage when they were computed with one; else fitted here on the episode
    types they were rated on, with their rounds and seed."""
    if not s.seat_advantage.empty:
        return s.seat_advantage
    return rate_types(s.types, s.players, rounds=s.rounds, seed=s.seed, seat_advantage=True,
                      level=s.level).seat_advantage


def first_mover(seats: pd.DataFrame, terms: pd.DataFrame) -> pd.DataFrame:
    """Per game_key, then POOLED: the first mover's record and score over finished episodes, and the seat term."""
    # Categories, not strings, and only two columns of the first movers' seats: a million-episode folder
    # has millions of seats.
    game, outcome = seats["game_key"].astype("category"), seats["outcome"].astype("category")
    moved = (seats["first_mover"].fillna(False).astype(bool) & outcome.notna()).to_numpy()
    outcomes = pd.crosstab(game[moved], outcome[moved])
    outcomes.index = outcomes.index.astype(str)
    sequential = seats["first_mover"].notna().groupby(game, observed=True).any()
    sequential.index = sequential.index.astype(str)
    games = sorted(sequential.index)
    rows = []
    for scope in [*games, POOLED] if len(games) > 1 else games:
        counts = outcomes.sum() if scope == POOLED else (outcomes.loc[scope] if scope in outcomes.index else None)
        wins, draws, losses = (int(counts.get(o, 0)) if counts is not None else 0 for o in ("win", "draw", "loss"))
        n = wins + draws + losses
        rows.append({"scope": scope, "sequential": bool(sequential.any() if scope == POOLED else sequential[scope]),
                     "episodes": n, "wins": wins, "draws": draws, "losses": losses,
                     "score": (wins + 0.5 * draws) / n if n else float("nan")})
    table_ = pd.DataFrame(rows, columns=FIRST_MOVER_COLUMNS[:7])
    return table_.merge(terms, on="scope", how="left")[FIRST_MOVER_COLUMNS]


def first_mover_html(rows: pd.DataFrame, level: float, anchor: str) -> Html:
    columns = [head("game"), head("episodes", num=True, title="finished episodes with a first mover"),
               head("W-D-L", num=True, title="of the seat that moved first"),
               head("first-mover score", num=True, title="(wins + draws/2) / episodes of the seat that moved first"),
               head("advantage (Elo)", num=True, title="Bradley-Terry seat term: positive favours moving first"),
               head(f"{level:.0%} CI", num=True)]
    body = []
    for r in rows.itertuples(index=False):
        body.append([
            Cell("all games" if r.scope == POOLED else r.scope),
            Cell(r.episodes if r.sequential else "", num=True),
            Cell(f"{r.wins}-{r.draws}-{r.losses}" if r.sequential else "simultaneous first move", num=True),
            Cell(number(r.score, 3), num=True),
            Cell(signed_number(r.elo), num=True),
            Cell(interval(r.ci_low, r.ci_high, signed=True), num=True),
        ])
    return table(columns, body, id_=anchor)
