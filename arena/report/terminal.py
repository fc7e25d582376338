"""The leaderboard as a terminal table that reads well at 80 columns (the full table goes to CSV/JSON).

A rating that rests on a perfect record (all wins or all losses) is marked *, one
that rests on fewer than FEW_GAMES games †; a footnote under the table says so.
"""

from __future__ import annotations

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from arena.ratings import POOLED
from arena.report.quality_view import COMPUTE_HINT, QualityView, digits, label, metrics_of, players_in
from arena.report.tables import FEW_GAMES, Standings
from arena.results.schema import EpisodeStatus

MARKS = {"perfect": "*", "few games": "†"}
QUALITY_WIDTH = 64  # what a move-quality table's metric columns may take of 80, beside the player's


def print_leaderboard(s: Standings, title: str, scope: str = POOLED, console: Console | None = None) -> None:
    """Rank, player, rating (marked when its record is perfect or short) with its interval, wins-draws-losses,
    rule-breaking per 100 decisions, cost; then notes."""
    console = console or Console()
    board = s.board(scope)
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False,
                  collapse_padding=True)
    table.add_column("#", justify="right")
    table.add_column("player", overflow="fold", ratio=1, min_width=12)
    table.add_column("rating", justify="right")
    table.add_column(f"{s.level:.0%} CI", justify="right", no_wrap=True)
    table.add_column("W-D-L", justify="right", no_wrap=True)
    table.add_column("ill/100", justify="right")
    table.add_column("ff/100", justify="right")
    table.add_column("cost $", justify="right")
    for row in board.itertuples(index=False):
        table.add_row(
            "" if pd.isna(row.rank) else str(row.rank), str(row.player), _num(row.rating, 0) + marks(row.record_note),
            "" if pd.isna(row.ci_low) else f"{row.ci_low:.0f}–{row.ci_high:.0f}",
            f"{row.wins}-{row.draws}-{row.losses}", _num(row.illegal_per_100, 1), _num(row.forfeits_per_100, 1),
            _cost(row.cost_usd),
        )
    console.print(table)
    for line in notes(s, scope):
        console.print(line, highlight=False, soft_wrap=False)


def notes(s: Standings, scope: str = POOLED) -> list[str]:
    """What the numbers mean, and what they leave out, as short lines."""
    pinned = s.anchor_text(scope)
    pooled = ", games weighted equally" if scope == POOLED and len(s.scopes) > 2 else ""
    lines = [f"Bradley-Terry rating ({pinned}{pooled}).",
             f"{s.level:.0%} CI: profile likelihood, widened to the bootstrap ({s.rounds} rounds) where wider."
             if s.rounds else "No intervals (0 rounds)."]
    flagged = " ".join(s.board(scope)["record_note"].dropna().tolist())
    if "perfect" in flagged:
        lines.append("* all wins or all losses: the far end of the CI comes from the prior.")
    if "few games" in flagged:
        lines.append(f"† fewer than {FEW_GAMES} games: the rating rests on little evidence.")
    lines.append("ill/100, ff/100: illegal attempts and forfeits per 100 decisions.")
    seat = s.seat_advantage[s.seat_advantage["scope"] == scope]
    if not seat.empty:
        r = seat.iloc[0]
        lines.append("First-seat advantage: none fitted (no game here has a first mover)." if pd.isna(r.elo) else
                     f"First-seat advantage (the seat that moves first): {r.elo:+.0f} Elo "
                     f"({s.level:.0%} CI {r.ci_low:+.0f} to {r.ci_high:+.0f}).")
    missing = s.not_rated.get(scope, {})
    if any(missing.values()):
        errored, skipped = missing.get(EpisodeStatus.ERROR, 0), missing.get(EpisodeStatus.SKIPPED, 0)
        lines.append(f"Not rated: {errored} errored, {skipped} skipped (budget) episodes.")
    return lines


def print_quality(view: QualityView, order: list[str], console: Console | None = None) -> None:
    """The move-quality summary in short: one small table per judged game (values only; the page has the
    intervals), the games no evaluator judges, or how to compute the table when the folder has none."""
    console = console or Console()
    if view.summary is None:
        command, key = COMPUTE_HINT
        console.print(f"Move quality: not computed; run '{command}' (or '{key}').", highlight=False, markup=False)
        return
    for (game, evaluator), rows in view.judged.groupby(["game_key", "evaluator"], sort=True):
        labels = {m: label(m, str(evaluator)) for m in metrics_of(rows)}
        values = {(r.player, r.metric): r.value for r in rows.itertuples(index=False)}
        for part, metrics in enumerate(_fitting(labels, QUALITY_WIDTH)):
            title = Text(f"Move quality: {game} ({evaluator})" + (" continued" if part else ""))
            table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False,
                          collapse_padding=True)
            table.add_column("player", overflow="fold", ratio=1, min_width=12)
            for m in metrics:
                table.add_column(labels[m], justify="right")
            for player in players_in(rows, order):
                table.add_row(Text(player), *(_num(values.get((player, m), float("nan")), digits(m)) for m in metrics))
            console.print(table)
    unjudged = view.unjudged
    if not unjudged.empty:
        games = [f"{r.game_key} ({r.note})" if isinstance(r.note, str) and r.note else str(r.game_key)
                 for r in unjudged.itertuples(index=False)]
        console.print(f"Move quality: no figures for {', '.join(games)}.", highlight=False, markup=False)


def _fitting(labels: dict[str, str], width: int) -> list[list[str]]:
    """The metrics split into runs whose columns (header or a value, whichever is wider) fit `width` beside
    the player column."""
    runs: list[list[str]] = [[]]
    used = 0
    for metric, text in labels.items():
        need = max(len(text), 7) + 1
        if runs[-1] and used + need > width:
            runs.append([])
            used = 0
        runs[-1].append(metric)
        used += need
    return runs


def marks(note: str | None) -> str:
    """The table's marks for a record_note: "*" perfect, "†" few games, "" for none."""
    if note is None or pd.isna(note):
        return ""
    return "".join(mark for name, mark in MARKS.items() if name in note)


def _num(value: float, digits: int) -> str:
    return "" if pd.isna(value) else f"{value:.{digits}f}"


def _cost(value: float) -> str:
    if pd.isna(value) or value == 0:
        return "–" if value == 0 else ""
    return f"{value:.2f}" if value >= 0.995 else f"{value:.4f}".rstrip("0")
