"""Players × games: each player's rating (with its interval) and score in every game, beside the pooled
rating. Many games would not fit a 1,400 px window in one table, so the games are split over several
tables of GAMES_PER_TABLE each, every one with the same rows in the same order."""

from __future__ import annotations

import pandas as pd

from arena.ratings import POOLED
from arena.report.formats import interval, number
from arena.report.html import Cell, Html, head, join, link, table
from arena.report.links import episodes_link
from arena.report.tables import Standings

GAMES_PER_TABLE = 6


def players_by_game_html(s: Standings, order: list[str], anchor: str) -> Html:
    """Tables with ids `anchor`-1, `anchor`-2, ...: one row per player of `order`, a column pair per game."""
    games = [scope for scope in s.scopes if scope != POOLED]
    boards = {scope: s.board(scope).set_index("player") for scope in s.scopes}
    size = -(-len(games) // -(-len(games) // GAMES_PER_TABLE)) if games else 1  # as even as the tables allow
    chunks = [games[i:i + size] for i in range(0, len(games), size)]
    return join((_table(chunk, boards, order, f"{anchor}-{k}", s.level) for k, chunk in enumerate(chunks, 1)), "\n")


def _table(games: list[str], boards: dict[str, pd.DataFrame], order: list[str], anchor: str, level: float) -> Html:
    groups = [head(""), head("all games", cls="group"),
              *(head(link(g, episodes_link(game=g), f"every episode of {g}"), cls="group", span=2) for g in games)]
    columns = [head("player"), head(f"rating ({level:.0%} CI)", num=True)]
    for _ in games:
        columns += [head("rating", num=True), head("score", num=True)]
    rows = []
    for player in order:
        cells = [Cell(player, cls="name"), _rating(boards[POOLED], player)]
        for g in games:
            cells += [_rating(boards[g], player, first=True), _score(boards[g], player)]
        rows.append(cells)
    return table(columns, rows, id_=anchor, groups=groups)


def _rating(board: pd.DataFrame, player: str, first: bool = False) -> Cell:
    cls = "first" if first else None
    if player not in board.index or pd.isna(board.at[player, "rating"]):
        return Cell("", num=True, cls=cls)
    row = board.loc[player]
    return Cell(number(row["rating"]), sub=interval(row["ci_low"], row["ci_high"]) or None, num=True, cls=cls)


def _score(board: pd.DataFrame, player: str) -> Cell:
    if player not in board.index or not board.at[player, "games"]:
        return Cell("", num=True)
    row = board.loc[player]
    return Cell(number(row["score"], 3), sub=f"{int(row['games'])} games", num=True)
