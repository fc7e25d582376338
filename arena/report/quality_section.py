"""The page's move-quality section: one table per game judged by an evaluator (players as rows, its metrics as
columns, each value with its interval under it), the evaluator and its settings above the table, its notes
under it; the games no evaluator judges in one line. A folder without a quality table gets the way to make
one, never figures from elsewhere."""

from __future__ import annotations

import re

import pandas as pd

from arena.report import html
from arena.report.formats import interval, number
from arena.report.html import Cell, Html, head, join, link, table, tag
from arena.report.links import episodes_link
from arena.report.quality_view import (
                                       COMPUTE_HINT,
                                       EVALUATORS,
                                       QualityView,
                                       description,
                                       digits,
                                       label,
                                       metrics_of,
                                       players_in,
                                       settings_text,
)

ANCHOR = "quality"
TITLE = "Move quality"


def quality_section(view: QualityView, order: list[str]) -> html.Section:
    """The section for `view`; tables list the players in `order` (the page's)."""
    if view.summary is None:
        command, key = COMPUTE_HINT
        return html.Section(ANCHOR, TITLE, [html.notes([join([
            "This folder has no move-quality table. Compute it with", tag("code", command),
            "(or set", tag("code", key), "in the tournament config to compute it when the run ends), then run",
            tag("code", "arena report"), "again."])])])
    blocks = [html.notes([f"How good each decision was against ground truth (a solver, an engine, a best response). "
                          f"Under each value, its {view.level:.0%} interval where it has one (a bootstrap over whole episodes); "
                          "moves the arena chose for a player (after illegal answers) are not credited to it."])]
    judged = view.judged
    for (game, evaluator), rows in judged.groupby(["game_key", "evaluator"], sort=True):
        blocks += _game(str(game), str(evaluator), rows, view, order)
    unjudged = view.unjudged
    if not unjudged.empty:
        blocks.append(html.notes([_unjudged_line(unjudged)]))
    if judged.empty and unjudged.empty:
        blocks.append(html.notes(["The move-quality table holds no decisions of the games in this report."]))
    return html.Section(ANCHOR, TITLE, blocks)


def _game(game: str, evaluator: str, rows: pd.DataFrame, view: QualityView, order: list[str]) -> list[Html]:
    judge = EVALUATORS.get(evaluator, evaluator)
    settings = settings_text(view.settings.get((game, evaluator)))
    about = join([tag("strong", evaluator), *([f"({judge})"] if judge != evaluator else []),
                  *([f"· settings: {settings}"] if settings else [])])
    out = [tag("h3", game), html.notes([about]),
           _table(game, evaluator, rows, order, f"{ANCHOR}-{_slug(game)}-{evaluator}")]
    notes = _notes(rows)
    if notes:
        out.append(html.notes(notes))
    return out


def _table(game: str, evaluator: str, rows: pd.DataFrame, order: list[str], anchor: str) -> Html:
    metrics = metrics_of(rows)
    columns = [head("player"), *(head(label(m, evaluator), num=True, title=description(evaluator, m))
                                 for m in metrics),
               head("decisions", num=True, title="decisions judged (episodes under it)")]
    by_player = {player: g.drop_duplicates("metric").set_index("metric") for player, g in rows.groupby("player", sort=False)}
    body = []
    for player in players_in(rows, order):
        mine = by_player[player]
        cells = [Cell(link(player, episodes_link(game=game, player=player), f"every episode of {player} in {game}"),
                      cls="name")]
        cells += [_value(mine, m) for m in metrics]
        decisions, episodes = mine["decisions"].max(), mine["episodes"].max()
        cells.append(Cell(number(decisions, thousands=True), num=True,
                          sub=None if pd.isna(episodes) else f"{int(episodes):,} episodes"))
        body.append(cells)
    return table(columns, body, id_=anchor)


def _value(mine: pd.DataFrame, metric: str) -> Cell:
    if metric not in mine.index:
        return Cell("", num=True)
    r = mine.loc[metric]
    d = digits(metric)
    return Cell(number(r["value"], d), sub=interval(r["ci_low"], r["ci_high"], d) or None, num=True)


def _notes(rows: pd.DataFrame) -> list[str]:
    """Each distinct note once: plain when every player's rows carry it, else after the players it concerns."""
    noted = rows.dropna(subset=["note"])
    noted = noted[noted["note"].astype(str).str.strip() != ""]
    everyone = set(rows["player"])
    lines = []
    for note, g in noted.groupby("note", sort=False):
        players = sorted(set(g["player"]))
        lines.append(str(note) if set(players) == everyone else f"{', '.join(players)}: {note}")
    return lines


def _unjudged_line(unjudged: pd.DataFrame) -> str:
    """"No move-quality figures for: hex (no move-quality evaluator for hex), go (...)." """
    games = [f"{r.game_key} ({r.note})" if isinstance(r.note, str) and r.note.strip() else str(r.game_key)
             for r in unjudged.itertuples(index=False)]
    return f"No move-quality figures for: {', '.join(games)}."


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")
