"""`arena report`: standings -> CSV/JSON, PNG figures and one HTML page in an output folder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from arena.ratings import POOLED
from arena.report import html, plots
from arena.report.export import write_tables
from arena.report.pgn import write_pgn
from arena.report.tables import Standings
from arena.report.terminal import marks, notes
from arena.results.reader import Results


@dataclass(frozen=True)
class Written:
    html: Path
    files: list[Path]


def write_report(results: Results, s: Standings, out: Path, game: str | None = None) -> Written:
    """Every file of a report of `s` (computed from `results`) into `out`; `game` names a one-game report."""
    out.mkdir(parents=True, exist_ok=True)
    files = write_tables(s, out)
    games = [scope for scope in s.scopes if scope != POOLED]
    name = _tournament(results)
    pooled_title = game or (games[0] if len(games) == 1 else "All games")
    sections = [_section(s, POOLED, pooled_title, out, files, slug="", full=True)]
    if len(games) > 1:
        sections += [_section(s, g, g, out, files, slug=f"-{_slug(g)}", full=False) for g in games]
    played = results.episodes["status"].value_counts().to_dict()
    intro = [f"{len(results.episodes)} episodes: " + ", ".join(f"{n} {k}" for k, n in sorted(played.items())) + ".",
             "Errored and skipped episodes are not rated. Full tables: leaderboard.csv/.json, pairwise.csv/.json."]
    pgn = write_pgn(results, out / "games.pgn")
    if pgn is not None:
        intro.append("Chess games: games.pgn (PGN, readable by any chess program).")
    page = out / "report.html"
    page.write_text(html.page(f"Board Game Arena report: {name}", intro, sections), encoding="utf-8")
    return Written(page, [*files, *([pgn] if pgn else []), page])


def _section(s: Standings, scope: str, title: str, out: Path, files: list[Path], slug: str,
             full: bool) -> html.Section:
    board = s.board(scope)
    anchor = s.anchor.get(scope, "mean")
    order = board.sort_values(["rating", "player"], ascending=[False, True], na_position="last")["player"].tolist()
    figures = [
        html.Figure(f"Ratings: {title}", plots.ratings_png(
            board, f"Ratings with {s.level:.0%} intervals: {title}{_weighting(s, scope)}", anchor)),
        html.Figure(f"Pairwise win rates: {title}",
                    plots.pairwise_png(s.pairwise, scope, order,
                                       f"Win rate of row over column (cell: rate, games played): {title}")),
    ]
    names = [f"ratings{slug}.png", f"pairwise{slug}.png"]
    if full:
        figures.append(html.Figure("Rule-breaking", plots.rule_breaking_png(
            board, f"Rule-breaking per 100 decisions, {s.level:.0%} intervals: {title}")))
        names.append("rule_breaking.png")
        cost = plots.cost_png(board, f"Cost against rating: {title}")
        if cost is not None:
            figures.append(html.Figure("Cost against rating", cost))
            names.append("cost_vs_rating.png")
    for fig, file_name in zip(figures, names, strict=True):
        (out / file_name).write_bytes(fig.png)
        files.append(out / file_name)
    return html.Section(title, readable(board), notes(s, scope), figures)


def readable(board: pd.DataFrame) -> pd.DataFrame:
    """The leaderboard's columns people read, formatted; the CSV keeps every column at full precision."""
    def ci(low: pd.Series, high: pd.Series, digits: int) -> pd.Series:
        return pd.Series([f"{a:.{digits}f}–{b:.{digits}f}" if pd.notna(a) else "" for a, b in zip(low, high, strict=True)],
                         index=low.index)

    def fmt(values: pd.Series, digits: int, thousands: str = "") -> pd.Series:
        return values.map(lambda v: "" if pd.isna(v) else f"{v:{thousands}.{digits}f}")

    return pd.DataFrame({
        "#": board["rank"].map(lambda v: "" if pd.isna(v) else str(v)),
        "player": board["player"],
        "rating": fmt(board["rating"], 0) + board["record_note"].map(marks),
        "95% CI": ci(board["ci_low"], board["ci_high"], 0),
        "record": board["record_note"],
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
        "tokens in": fmt(board["tokens_in"], 0, ","),
        "tokens out": fmt(board["tokens_out"], 0, ","),
        "cost $": fmt(board["cost_usd"], 4),
    })


def _weighting(s: Standings, scope: str) -> str:
    return " (each game weighted equally)" if scope == POOLED and len(s.scopes) > 2 else ""


def _tournament(results: Results) -> str:
    names = sorted(set(results.episodes["tournament"]))
    return ", ".join(names) if names else "no episodes"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")
