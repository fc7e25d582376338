"""How long the games ran and how they ended, per game: moves per finished episode (mean, median, range)
and the shares stopped at max_moves (truncated) and ended by a forfeit.

Only finished episodes count (ok, truncated, forfeit): an errored or skipped episode stopped for
reasons outside the game, so its length says nothing about the game; they are counted apart.
"""

from __future__ import annotations

import pandas as pd

from arena.report.formats import number, percent
from arena.report.html import Cell, Html, head, link, table
from arena.report.links import episodes_link
from arena.results.schema import DONE_STATUSES, NOT_PLAYED, EpisodeStatus

LENGTH_COLUMNS = ["game_key", "episodes", "moves_mean", "moves_median", "moves_min", "moves_max", "truncated_share",
                  "forfeit_share", "not_played"]


def game_lengths(episodes: pd.DataFrame) -> pd.DataFrame:
    """One row per game_key (LENGTH_COLUMNS), from a results `episodes` frame."""
    rows = []
    for key, g in episodes.groupby("game_key", sort=True):
        done = g[g["status"].isin(DONE_STATUSES)]
        moves = done["num_moves"].astype(float)
        n = len(done)
        rows.append({
            "game_key": key, "episodes": n, "moves_mean": moves.mean(), "moves_median": moves.median(),
            "moves_min": moves.min(), "moves_max": moves.max(),
            "truncated_share": (done["status"] == EpisodeStatus.TRUNCATED).sum() / n if n else float("nan"),
            "forfeit_share": (done["status"] == EpisodeStatus.FORFEIT).sum() / n if n else float("nan"),
            "not_played": int(g["status"].isin(NOT_PLAYED).sum()),
        })
    return pd.DataFrame(rows, columns=LENGTH_COLUMNS)


def game_length_html(lengths: pd.DataFrame, anchor: str) -> Html:
    columns = [head("game"), head("episodes", num=True, title="finished episodes (ok, truncated, forfeit)"),
               head("moves: mean", num=True), head("median", num=True), head("min–max", num=True),
               head("truncated", num=True, title="stopped at max_moves"), head("forfeited", num=True),
               head("errored or skipped", num=True, title="not finished, so not counted in the columns before")]
    rows = []
    for r in lengths.itertuples(index=False):
        span = "" if pd.isna(r.moves_min) else f"{r.moves_min:.0f}–{r.moves_max:.0f}"
        rows.append([Cell(r.game_key), Cell(r.episodes, num=True), Cell(number(r.moves_mean, 1), num=True),
                     Cell(number(r.moves_median, 1), num=True), Cell(span, num=True),
                     Cell(percent(r.truncated_share, 1), num=True), Cell(percent(r.forfeit_share, 1), num=True),
                     Cell(link(r.not_played, episodes_link(game=str(r.game_key), outcome="error"))
                          if r.not_played else r.not_played, num=True)])
    return table(columns, rows, id_=anchor)
