"""Pairwise win rates as an HTML heatmap: the row player's rate over the column player and the games they
played, each cell a link to the episodes of that pairing. Column names are written upwards so twenty
players fit the page's width."""

from __future__ import annotations

import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import to_hex

from arena.report.formats import percent
from arena.report.html import Cell, Html, head, link, table
from arena.report.links import episodes_link
from arena.report.tables import pairwise_matrix

_CMAP = colormaps["RdBu"]  # the colours of pairwise.png: red loses, blue wins
NEVER_MET = "background:#eeeeee"


def pairwise_html(pairwise: pd.DataFrame, scope: str, order: list[str], anchor: str,
                  game: str | None = None) -> Html:
    """The heatmap (id `anchor`) of `scope` over the players of `order` that played in it, in that order."""
    one = pairwise[pairwise["scope"] == scope]
    present = set(one["player"]) | set(one["opponent"])
    names = [name for name in order if name in present]
    rate = pairwise_matrix(pairwise, scope, "win_rate", names)
    counts = {key: pairwise_matrix(pairwise, scope, key, names) for key in ("games", "wins", "draws", "losses")}
    columns = [head("player \\ opponent"), *(head(name, cls="col", title=name) for name in names)]
    rows = []
    for row in names:
        cells = [Cell(row, cls="name", header=True)]
        for col in names:
            value = rate.at[row, col]
            if pd.isna(value):
                cells.append(Cell("", style=NEVER_MET, title="never met" if row != col else None))
                continue
            games, wins, draws, losses = (int(counts[k].at[row, col]) for k in ("games", "wins", "draws", "losses"))
            title = f"{row} against {col}: {wins} wins, {draws} draws, {losses} losses in {games}"
            href = episodes_link(game=game, player=row, opponent=col)
            cells.append(Cell(link(percent(value), href, title), sub=games, style=_colour(float(value))))
        rows.append(cells)
    return table(columns, rows, id_=anchor, cls="heat")


def _colour(rate: float) -> str:
    text = "#ffffff" if abs(rate - 0.5) > 0.3 else "#111111"  # as pairwise.png: white on the dark ends
    return f"background:{to_hex(_CMAP(rate))};color:{text}"
