"""Report figures as PNG bytes: ratings with intervals, pairwise heatmap, rule-breaking, cost vs rating.

Figures are built on matplotlib's object API with the Agg canvas: no pyplot, so no
global figure state and no display needed. Sizes grow with the number of players,
so 20 or more names stay legible.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from arena.report.tables import pairwise_matrix

DPI = 110
ROW_IN = 0.3  # inches per player row
LABEL_PT = 9


def _figure(width: float, height: float, constrained: bool = True) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained" if constrained else None)
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure) -> bytes:
    """PNG bytes. Constrained-layout figures already fit their text; a fixed layout is trimmed to it
    (bbox "tight" costs a second full draw, which for a 20 x 20 annotated heatmap is seconds)."""
    buf = io.BytesIO()
    if fig.get_layout_engine() is not None:
        fig.savefig(buf, format="png", dpi=DPI)
    else:
        fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", pad_inches=0.15)
    return buf.getvalue()


def _rated(board: pd.DataFrame) -> pd.DataFrame:
    """Players with a rating, best at the top of a horizontal chart (matplotlib draws y upwards)."""
    return board[board["rating"].notna()].sort_values("rating")


def ratings_png(board: pd.DataFrame, title: str, pinned: str, anchored_at: float) -> bytes:
    """Rating per player with its interval as whiskers; a dashed line at the anchor's rating `anchored_at`,
    which `pinned` names (e.g. "sf_1500 = 1500").

    The axis spans the ratings and the intervals of records that are not perfect; the
    open end of a perfect record's interval (thousands of points, from the prior) may
    run past it, drawn as an arrowhead at the edge so the other intervals stay legible.
    """
    rated = _rated(board)
    fig = _figure(8.0, 1.4 + ROW_IN * max(len(rated), 2))
    ax = fig.add_subplot()
    y = np.arange(len(rated))
    rating = rated["rating"].to_numpy(float)
    left, right = _span(rated, anchored_at)
    low_end = np.clip(rated["ci_low"].to_numpy(float), left, None)
    high_end = np.clip(rated["ci_high"].to_numpy(float), None, right)
    low = np.nan_to_num(rating - low_end)
    high = np.nan_to_num(high_end - rating)
    ax.errorbar(rating, y, xerr=np.vstack([low, high]), fmt="o", color="#1f5fa8", ecolor="#7aa6d6", elinewidth=2,
                capsize=3)
    for ends, edge, marker in [(rated["ci_low"], left, "<"), (rated["ci_high"], right, ">")]:
        cut = ends.to_numpy(float) < left if marker == "<" else ends.to_numpy(float) > right
        ax.plot(np.full(cut.sum(), edge), y[cut], linestyle="none", marker=marker, color="#7aa6d6", markersize=7,
                clip_on=False)
    ax.set_xlim(left, right)
    ax.axvline(anchored_at, color="#888888", linestyle="--", linewidth=1)
    ax.set_yticks(y, rated["player"].tolist(), fontsize=LABEL_PT)
    ax.set_ylim(-0.7, len(rated) - 0.3)
    clipped = " (arrowhead: the interval goes on)" if (rated["ci_low"] < left).any() or (
        rated["ci_high"] > right).any() else ""
    ax.set_xlabel(f"Bradley-Terry rating, Elo scale ({pinned}){clipped}")
    ax.set_title(title, loc="left", fontsize=11)
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def _span(rated: pd.DataFrame, anchored_at: float) -> tuple[float, float]:
    """x-axis limits: the anchor, every rating, and the intervals of every record that is not perfect; padded."""
    ordinary = ~rated.get("record_note", pd.Series("", index=rated.index)).astype(str).str.contains("perfect")
    values = np.concatenate([[anchored_at], rated["rating"].to_numpy(float),
                             rated.loc[ordinary, ["ci_low", "ci_high"]].to_numpy(float).ravel()])
    values = values[np.isfinite(values)]
    low, high = values.min(), values.max()
    pad = max(0.08 * (high - low), 50.0)
    return low - pad, high + pad


def pairwise_png(table: pd.DataFrame, scope: str, order: list[str], title: str) -> bytes:
    """Heatmap of the win rate of each row player over each column player, games played under it."""
    rate = pairwise_matrix(table, scope, "win_rate", order)
    games = pairwise_matrix(table, scope, "games", order)
    n = len(order)
    cell = 0.62 if n > 12 else 0.8
    fig = _figure(max(6.5, 3.8 + cell * n), max(4.5, 2.4 + cell * n))  # names and colour bar take width
    ax = fig.add_subplot()
    # Grey where there is no game (the diagonal, pairs that never met), so it never reads as 50%
    cmap = colormaps["RdBu"].with_extremes(bad="#d9d9d9")
    image = ax.imshow(np.ma.masked_invalid(rate.to_numpy(float)), cmap=cmap, vmin=0.0, vmax=1.0)
    font = 7 if n > 12 else 9
    for i in range(n):
        for j in range(n):
            value, count = rate.iat[i, j], games.iat[i, j]
            if pd.isna(value):
                continue
            color = "white" if abs(value - 0.5) > 0.3 else "black"
            ax.text(j, i, f"{value:.0%}\n{int(count)}", ha="center", va="center", fontsize=font, color=color,
                    linespacing=1.1)
    ax.set_xticks(range(n), order, rotation=60, ha="right", rotation_mode="anchor", fontsize=LABEL_PT)
    ax.set_yticks(range(n), order, fontsize=LABEL_PT)
    ax.set_xlabel("opponent (column)")
    ax.set_ylabel("player (row)")
    fig.suptitle(title, x=0.02, ha="left", fontsize=11)  # above the colorbar too, so they never collide
    bar = fig.colorbar(image, ax=ax, shrink=0.6)
    bar.set_label("win rate (draws count half)")
    return _png(fig)


def rule_breaking_png(board: pd.DataFrame, title: str) -> bytes:
    """Illegal attempts and forfeits per 100 decisions, side by side, with their intervals."""
    rows = board[board["decisions"].fillna(0) > 0]
    rows = rows.sort_values(["rating", "player"], na_position="first")
    fig = _figure(10.0, 1.6 + ROW_IN * max(len(rows), 2))
    axes = fig.subplots(1, 2, sharey=True)
    y = np.arange(len(rows))
    for ax, (name, label) in zip(axes, [("illegal", "illegal attempts"), ("forfeits", "forfeits")], strict=True):
        value = rows[f"{name}_per_100"].to_numpy(float)
        low = np.nan_to_num(value - rows[f"{name}_ci_low"].to_numpy(float))
        high = np.nan_to_num(rows[f"{name}_ci_high"].to_numpy(float) - value)
        ax.errorbar(value, y, xerr=np.vstack([low, high]), fmt="o", color="#b5452b", ecolor="#e0a08f", elinewidth=2,
                    capsize=3)
        ax.set_xlabel(f"{label} per 100 decisions (95% CI)")
        ax.set_xlim(left=0)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(y, rows["player"].tolist(), fontsize=LABEL_PT)
    axes[0].set_ylim(-0.7, len(rows) - 0.3)
    fig.suptitle(title, x=0.02, ha="left", fontsize=11)
    return _png(fig)


def cost_png(board: pd.DataFrame, title: str) -> bytes | None:
    """Total cost against rating for players that cost something; None when nobody did."""
    rows = board[(board["cost_usd"].fillna(0) > 0) & board["rating"].notna()].sort_values("rating")
    if rows.empty:
        return None
    # A fixed layout: the label column right of the axes is placed in axes fractions,
    # which a constrained layout would invalidate by resizing the axes afterwards.
    fig = _figure(10.0, max(4.0, 1.6 + 0.24 * len(rows)), constrained=False)
    fig.subplots_adjust(left=0.09, right=0.66, bottom=0.12, top=0.9)
    ax = fig.add_subplot()
    cost = rows["cost_usd"].to_numpy(float)
    rating = rows["rating"].to_numpy(float)
    low = np.nan_to_num(rating - rows["ci_low"].to_numpy(float))
    high = np.nan_to_num(rows["ci_high"].to_numpy(float) - rating)
    ax.errorbar(cost, rating, yerr=np.vstack([low, high]), fmt="o", color="#2e7d4f", ecolor="#9fcfb2", elinewidth=2,
                capsize=3, zorder=3)
    if cost.max() / cost.min() > 20:
        ax.set_xscale("log")
    ax.set_xlabel("total cost (USD)")
    ax.set_ylabel("rating")
    ax.set_title(title, loc="left", fontsize=11)
    ax.grid(alpha=0.3)
    _label_column(ax, cost, rating, rows["player"].tolist())
    return _png(fig)


def _label_column(ax, x: np.ndarray, y: np.ndarray, names: list[str]) -> None:
    """Names in a column right of the axes, in the points' vertical order, joined to them by thin lines.

    Labels next to the points would overlap whenever two players are close; a column
    spaced at least one text line apart never does.
    """
    ax.margins(y=0.08)
    ax.figure.canvas.draw()  # fixes the axis limits the positions below depend on
    bottom, top = ax.get_ylim()
    frac = (y - bottom) / (top - bottom)
    height_in = ax.get_position().height * ax.figure.get_figheight()
    gap = 1.25 * LABEL_PT / 72.0 / height_in  # one text line in axes fraction
    placed = frac.copy()
    order = np.argsort(frac, kind="stable")
    previous = -np.inf
    for k in order:  # push each label up until it clears the one below
        placed[k] = max(frac[k], previous + gap)
        previous = placed[k]
    overflow = previous - 1.0
    if overflow > 0:  # the column ran off the top: slide it down, keeping the gaps
        placed[order] -= overflow
        floor = -np.inf
        for k in order:
            placed[k] = max(placed[k], floor + gap)
            floor = placed[k]
    for k in order:
        ax.annotate(names[k], xy=(x[k], y[k]), xycoords="data", xytext=(1.03, placed[k]),
                    textcoords=("axes fraction", "axes fraction"), fontsize=LABEL_PT, va="center",
                    zorder=1, arrowprops={"arrowstyle": "-", "color": "#bbbbbb", "linewidth": 0.6,
                                          "shrinkA": 0, "shrinkB": 3})
