"""A scope's leaderboard on the page: the columns people compare on, with links to each player's episodes,
and every other column in a second table under <details>, so the page fits a 1,400 px window."""

from __future__ import annotations

import pandas as pd

from arena.report.formats import interval, missing, number
from arena.report.html import Cell, Html, details, head, join, link, table
from arena.report.links import episodes_link
from arena.report.terminal import marks


def readable(board: pd.DataFrame) -> pd.DataFrame:
    """The leaderboard's columns people read, formatted; the CSV keeps every column at full precision."""
    def ci(low: pd.Series, high: pd.Series, digits: int) -> pd.Series:
        return pd.Series([interval(a, b, digits) for a, b in zip(low, high, strict=True)], index=low.index)

    def fmt(values: pd.Series, digits: int, thousands: bool = False) -> pd.Series:
        return values.map(lambda v: number(v, digits, thousands))

    return pd.DataFrame({
        "#": board["rank"].map(lambda v: "" if pd.isna(v) else str(v)),
        "player": board["player"],
        "rating": fmt(board["rating"], 0) + board["record_note"].map(marks),
        "95% CI": ci(board["ci_low"], board["ci_high"], 0),
        "record": board["record_note"].map(lambda v: "" if missing(v) else str(v)),
        "Elo": fmt(board["elo"], 0),
        "rating w/o forfeits": fmt(board["rating_no_forfeits"], 0),
        "games": board["games"].astype(str),
        "W-D-L": [f"{won}-{drew}-{lost}" for won, drew, lost in zip(board["wins"], board["draws"], board["losses"], strict=True)],
        "score": fmt(board["score"], 3),
        "mean return": fmt(board["mean_return"], 3),
        "illegal/100": fmt(board["illegal_per_100"], 2),
        "illegal CI": ci(board["illegal_ci_low"], board["illegal_ci_high"], 2),
        "forfeits/100": fmt(board["forfeits_per_100"], 2),
        "forfeits CI": ci(board["forfeits_ci_low"], board["forfeits_ci_high"], 2),
        "errors": board["errors"].astype(str),
        "latency s (mean)": fmt(board["latency_mean_s"], 2),
        "latency s (p95)": fmt(board["latency_p95_s"], 2),
        "tokens in": fmt(board["tokens_in"], 0, True),
        "tokens out": fmt(board["tokens_out"], 0, True),
        "cost $": fmt(board["cost_usd"], 4),
    })


def in_order(board: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """The board's rows in the page's player order; players not in this scope are left out."""
    position = {name: i for i, name in enumerate(order)}
    rows = board[board["player"].isin(position)]
    return rows.iloc[rows["player"].map(position).argsort(kind="stable")].reset_index(drop=True)


def leaderboard_html(board: pd.DataFrame, order: list[str], level: float, anchor: str,
                     game: str | None = None) -> Html:
    """The main table (id `anchor`) and the full one (id `anchor`-details) of one scope's `board`."""
    rows = in_order(board, order)
    shown = readable(rows)
    main = [head("#", num=True), head("player"), head("rating", num=True), head(f"{level:.0%} CI", num=True),
            head("record"), head("games", num=True),
            head("W-D-L", num=True, title="wins-draws-losses; each number opens those episodes"),
            head("score", num=True, title="(wins + draws/2) / games"),
            head("illegal/100", num=True, title="illegal answers per 100 decisions"),
            head("forfeits", num=True), head("errors", num=True, title="errored or skipped episodes: not rated"),
            head("cost $", num=True)]
    body = []
    for (_, row), (_, text) in zip(rows.iterrows(), shown.iterrows(), strict=True):
        player = str(row["player"])

        def count(n: int, outcome: str, player: str = player) -> Html:
            label = f"{outcome} episodes of {player}"
            return link(n, episodes_link(game=game, player=player, outcome=outcome), label) if n else join([n])

        wdl = join([count(int(row["wins"]), "win"), count(int(row["draws"]), "draw"),
                    count(int(row["losses"]), "loss")], "-")
        body.append([
            Cell(text["#"], num=True),
            Cell(link(player, episodes_link(game=game, player=player), f"every episode of {player}"), cls="name"),
            Cell(text["rating"], num=True), Cell(text["95% CI"], num=True), Cell(text["record"]),
            Cell(text["games"], num=True), Cell(wdl, num=True), Cell(text["score"], num=True),
            Cell(text["illegal/100"], num=True), Cell(count(int(row["forfeits"]), "forfeit"), num=True),
            Cell(count(int(row["errors"]) + int(row["skipped"]), "error"), num=True),
            Cell(text["cost $"], num=True),
        ])
    full = ["Elo", "rating w/o forfeits", "mean return", "illegal/100", "illegal CI", "forfeits/100", "forfeits CI",
            "latency s (mean)", "latency s (p95)", "tokens in", "tokens out"]
    more = [[Cell(text["player"], cls="name"), *(Cell(text[c], num=True) for c in full)]
            for _, text in shown.iterrows()]
    second = table([head("player"), *(head(c, num=True) for c in full)], more, id_=f"{anchor}-details")
    return join([table(main, body, id_=anchor),
                 details("More columns: Elo, rating without forfeits, intervals, latency, tokens", second)], "\n")
