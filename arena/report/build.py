"""`arena report`: standings -> CSV/JSON, PNG figures and one HTML overview page in an output folder.

Every table and heatmap of the page lists the players in one order, the pooled leaderboard's (best
pooled rating first), so a player's row is found in the same place everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from arena.ratings import POOLED
from arena.report import html, plots
from arena.report.export import write_tables
from arena.report.first_mover import first_mover, first_mover_html, seat_terms
from arena.report.game_length import game_length_html, game_lengths
from arena.report.illegal_examples import PER_PLAYER, illegal_examples, illegal_examples_html
from arena.report.leaderboard_html import leaderboard_html, readable
from arena.report.links import EPISODES_PAGE
from arena.report.pairwise_html import pairwise_html
from arena.report.pgn import write_pgn
from arena.report.players_by_game import players_by_game_html
from arena.report.provenance import provenance_html
from arena.report.quality_section import quality_section
from arena.report.quality_view import QualityView, read_quality_view
from arena.report.replays import REPLAYS, replays_note, write_replays
from arena.report.rule_breaking_table import rule_breaking_html, rule_capable
from arena.report.tables import Standings
from arena.report.terminal import notes
from arena.results.folder import read_manifest
from arena.results.location import ResultsDir, as_dir
from arena.results.reader import Results

__all__ = ["Written", "player_order", "readable", "write_report"]


@dataclass(frozen=True)
class Written:
    html: Path
    files: list[Path]


def player_order(s: Standings) -> list[str]:
    """Every player, best pooled rating first; players without a rating last, by name."""
    board = s.board(POOLED)
    return board.sort_values(["rating", "player"], ascending=[False, True], na_position="last")["player"].tolist()


def write_report(root: str | Path | ResultsDir, results: Results, s: Standings, out: Path,
                 game: str | None = None, replays: int = REPLAYS, quality: QualityView | None = None) -> Written:
    """Every file of a report of `s` (computed from `results`, read from the results folder `root`) into `out`;
    `game` names a one-game report; `replays`: at most that many episode replays (0: none); `quality`: the
    folder's move-quality view when the caller read it already.
    `results.moves` may be empty: moves are streamed from `root`."""
    out.mkdir(parents=True, exist_ok=True)
    root = as_dir(root)
    files = write_tables(s, out)
    games = [scope for scope in s.scopes if scope != POOLED]
    order = player_order(s)
    title = game or (games[0] if len(games) == 1 else "All games")
    figures = _Figures(out, files)
    sections = [_standings(s, order, title, figures)]
    if len(games) > 1:
        sections.append(html.Section("by-game", "Players × games", [
            html.notes([f"Rating ({s.level:.0%} interval under it) and score ((wins + draws/2) / games, games under "
                        "it) of every player in every game; empty where the player did not play that game."]),
            players_by_game_html(s, order, "players-by-game")]))
    sections.append(html.Section("pairwise", f"Pairwise results: {title}", [
        html.notes(["Win rate of the row player over the column player (draws count half), games played under "
                    "it; each cell opens the episodes of that pairing."]),
        pairwise_html(s.pairwise, POOLED, order, "pairwise-all")]))
    figures.save(plots.pairwise_png(s.pairwise, POOLED, order, f"Win rate of row over column: {title}"),
                 "pairwise.png")
    capable = rule_capable(results.seats)
    sections.append(_rule_breaking(root, results, s, order, capable, title, figures))
    if quality is None:
        quality = read_quality_view(root, rounds=s.rounds, seed=s.seed, level=s.level)
    sections.append(quality_section(quality.of_games(set(games)), order))
    sections.append(_games(results, s))
    if len(games) > 1:
        sections += [_game(s, g, order, figures) for g in games]
    sections.append(html.Section("provenance", "Provenance", [
        provenance_html(read_manifest(root), results.seats, order)]))
    pgn = write_pgn(results, out / "games.pgn", root)
    replayed = write_replays(root, results.episodes, results.seats, out, replays)
    intro = [*_intro(results, pgn is not None, bool(replayed)), replays_note(len(replayed), len(results.episodes))]
    page = out / "report.html"
    page.write_text(html.page(f"Board Game Arena report: {_tournament(results)}", intro,
                              sections), encoding="utf-8")
    viewer = [out / "replays" / "index.html"] if replayed else []
    return Written(page, [*files, *([pgn] if pgn else []), *viewer, page])


class _Figures:
    """PNG files of the report: written next to the page, for papers and slides."""

    def __init__(self, out: Path, files: list[Path]) -> None:
        self.out, self.files = out, files

    def save(self, png: bytes, name: str) -> None:
        (self.out / name).write_bytes(png)
        self.files.append(self.out / name)

    def shown(self, title: str, png: bytes, name: str) -> html.Html:
        self.save(png, name)
        return html.image(html.Figure(title, png))


def _intro(results: Results, pgn: bool, replays: bool) -> list[object]:
    played = {k: n for k, n in results.episodes["status"].value_counts().to_dict().items() if n}
    lines: list[object] = [
        f"{len(results.episodes)} episodes: " + ", ".join(f"{n} {k}" for k, n in sorted(played.items())) + ". "
        "Errored and skipped episodes are not rated.",
        *([html.join([html.link("The episode browser", EPISODES_PAGE), "opens from every player, pairing and count "
                      "below, filtered to those episodes."])] if replays else []),
        "Every table lists the players in the order of the pooled leaderboard (best pooled rating first). "
        "Full tables: leaderboard.csv/.json, pairwise.csv/.json; figures as PNG files beside this page.",
    ]
    if pgn:
        lines.append("Chess games: games.pgn (PGN, readable by any chess program).")
    return lines


def _standings(s: Standings, order: list[str], title: str, figures: _Figures) -> html.Section:
    board = s.board(POOLED)
    blocks = [leaderboard_html(board, order, s.level, "leaderboard"), html.notes(_notes(s, POOLED)),
              figures.shown(f"Ratings: {title}", plots.ratings_png(
                  board, f"Ratings with {s.level:.0%} intervals: {title}{_weighting(s, POOLED)}",
                  s.anchor_text(POOLED), s.anchored_at(POOLED)), "ratings.png")]
    cost = plots.cost_png(board, f"Cost against rating: {title}")
    if cost is not None:
        blocks.append(figures.shown("Cost against rating", cost, "cost_vs_rating.png"))
    return html.Section("standings", f"Leaderboard: {title}", blocks)


def _rule_breaking(root: ResultsDir, results: Results, s: Standings, order: list[str], capable: set[str],
                   title: str, figures: _Figures) -> html.Section:
    if not capable:
        return html.Section("rule-breaking", "Rule-breaking", [html.notes([
            "Only scripted players played here (random, mcts): they never answer illegally."])])
    board = s.board(POOLED)
    blocks = [html.notes([f"Players that can break rules only (language models, people). Illegal %: illegal answers "
                          f"per 100 decisions (re-prompts count, so it can pass 100); forfeits per 100 decisions; "
                          f"{s.level:.0%} intervals."]),
              rule_breaking_html(s, order, capable, "rule-breaking-table"),
              figures.shown("Illegal answers and forfeits over all games", plots.rule_breaking_png(
                  board[board["player"].isin(capable)],
                  f"Rule-breaking per 100 decisions, {s.level:.0%} intervals: {title}"), "rule_breaking.png")]
    models = [p for p in order if p in set(results.seats.loc[results.seats["model"].notna(), "player"])]
    examples = illegal_examples(root, results.episodes["play_id"], models)
    blocks.append(html.tag("h3", "Example illegal answers"))
    if examples.empty:
        blocks.append(html.notes(["No model answered illegally."]))
    else:
        blocks += [html.notes([f"Up to {PER_PLAYER} per model, as stored (answers cut at 200 characters); each move "
                               "opens the replay there."]),
                   illegal_examples_html(examples, "illegal-examples")]
    return html.Section("rule-breaking", "Rule-breaking", blocks)


def _games(results: Results, s: Standings) -> html.Section:
    terms = seat_terms(s)
    return html.Section("games", "Games: length, truncation and the first mover", [
        html.tag("h3", "Game length and how episodes ended"),
        game_length_html(game_lengths(results.episodes), "game-length"),
        html.tag("h3", "First mover's advantage"),
        html.notes(["Score of the seat that moved first ((wins + draws/2) / episodes) and the Bradley-Terry seat "
                    f"term in Elo points with its {s.level:.0%} interval ({s.rounds} bootstrap rounds): positive "
                    "favours moving first. Games with a simultaneous first move have none."]),
        first_mover_html(first_mover(results.seats, terms), s.level, "first-mover"),
    ])


def _game(s: Standings, game: str, order: list[str], figures: _Figures) -> html.Section:
    slug = _slug(game)
    board = s.board(game)
    names = [p for p in order if p in set(board["player"])]
    figures.save(plots.pairwise_png(s.pairwise, game, names, f"Win rate of row over column: {game}"),
                 f"pairwise-{slug}.png")
    return html.Section(f"game-{slug}", game, [
        leaderboard_html(board, order, s.level, f"leaderboard-{slug}", game=game), html.notes(_notes(s, game)),
        html.tag("h3", f"Pairwise results: {game}"), pairwise_html(s.pairwise, game, order, f"pairwise-{slug}", game),
        figures.shown(f"Ratings: {game}", plots.ratings_png(board, f"Ratings with {s.level:.0%} intervals: {game}",
                                                            s.anchor_text(game), s.anchored_at(game)),
                      f"ratings-{slug}.png"),
    ])


def _notes(s: Standings, scope: str) -> list[str]:
    """The terminal's notes, with the page's column names."""
    lines = [line for line in notes(s, scope) if not line.startswith("ill/100")]
    return [*lines, "illegal/100: illegal answers per 100 decisions. W-D-L, forfeits, errors: each count opens those "
                    "episodes; errors counts errored and skipped episodes."]


def _weighting(s: Standings, scope: str) -> str:
    return " (each game weighted equally)" if scope == POOLED and len(s.scopes) > 2 else ""


def _tournament(results: Results) -> str:
    names = sorted(set(results.episodes["tournament"]))
    return ", ".join(names) if names else "no episodes"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")

