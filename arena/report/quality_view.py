"""What the report shows of the move-quality table: the per-player summary of each game, the evaluator
settings it was computed with, and how each metric is named and rounded. The page (quality_section) and
the terminal (terminal.print_quality) both read it, so a metric reads the same in both places."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from arena.quality.base import SUMMARY_COLUMNS
from arena.quality.settings import QualitySettings
from arena.quality.store import read_quality
from arena.quality.summary import summarise_folder
from arena.results.location import ResultsDir, as_dir

NONE = "none"
"""The summary's metric for a game no evaluator judges (its row carries a note saying why)."""

COMPUTE_HINT = ("arena quality RESULTS", "quality: true")
"""The command that computes the table, and the tournament config key that computes it after the run."""

EVALUATORS = {
    "solver": "exact solver: the game value of every legal move under perfect play",
    "stockfish": "Stockfish: centipawn loss, lichess accuracy and judgements",
    "policy": "exact best response to the player's empirical policy",
    "matrix": "the player's mixed strategy, its regret and its distance from equilibrium",
    "ipd": "how the player cooperates, retaliates and forgives",
}
"""What each evaluator (arena/quality) measures, in a line; an evaluator missing here is shown by its name."""

DESCRIPTIONS = {
    ("solver", "optimal_pct"): "decisions at which the move chosen was among the best, in percent",
    ("solver", "blunders_per_100"): "moves that dropped the outcome (win to draw or loss, draw to loss), "
                                    "per 100 decisions",
    ("solver", "mean_value_lost"): "game value given away per decision (best move's value minus the chosen one's)",
    ("stockfish", "acpl"): "average centipawn loss per move, each move's loss capped",
    ("stockfish", "accuracy_pct"): "mean move accuracy in percent (lichess's formula)",
    ("stockfish", "inaccuracies_per_100"): "inaccuracies per 100 moves, as lichess judges them",
    ("stockfish", "mistakes_per_100"): "mistakes per 100 moves, as lichess judges them",
    ("stockfish", "blunders_per_100"): "blunders per 100 moves, as lichess judges them",
    ("policy", "exploitability"): "what a best response gains against the player's empirical policy, per game",
    ("policy", "nash_conv"): "NashConv of the player's empirical policy (sum over seats of best-response gains)",
    ("matrix", "regret"): "what the best fixed action would have earned against the opponents' actions, minus "
                          "what was earned, per decision",
    ("matrix", "distance"): "total-variation distance of the strategy from the nearest equilibrium strategy",
    ("ipd", "cooperation"): "share of decisions that cooperated",
    ("ipd", "first_move_cooperation"): "share of first-round decisions that cooperated",
    ("ipd", "retaliation"): "share of decisions right after the opponent defected that defected",
    ("ipd", "forgiveness"): "share of decisions right after the opponent defected that cooperated",
}
"""Header tooltips, by (evaluator, metric): what each figure is, where its name does not say it."""


@dataclass(frozen=True)
class QualityView:
    """The quality summary of a folder (SUMMARY_COLUMNS), or None when the folder has no quality table."""

    summary: pd.DataFrame | None
    settings: dict[tuple[str, str], str] = field(default_factory=dict)  # (game_key, evaluator) -> settings JSON
    level: float = 0.95

    @property
    def judged(self) -> pd.DataFrame:
        """The rows of games some evaluator judged."""
        return _empty() if self.summary is None else self.summary[self.summary["metric"] != NONE]

    @property
    def unjudged(self) -> pd.DataFrame:
        """One row per game no evaluator judged, with its note."""
        if self.summary is None:
            return _empty()
        rows = self.summary[self.summary["metric"] == NONE]
        return rows.drop_duplicates("game_key").sort_values("game_key")

    def of_games(self, games: set[str]) -> QualityView:
        """Only the games in `games` (game keys), as a one-game report shows."""
        if self.summary is None:
            return self
        kept = {k: v for k, v in self.settings.items() if k[0] in games}
        return QualityView(self.summary[self.summary["game_key"].isin(games)], kept, self.level)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=SUMMARY_COLUMNS)


def read_quality_view(root: str | ResultsDir, *, rounds: int = 1000, seed: int = 0,
                      level: float = 0.95) -> QualityView:
    """The quality view of the results folder `root`, its intervals made as the report's (bootstrap `rounds`,
    `seed`, `level`), under the evaluator settings the table was computed with (see `recorded_settings`)."""
    folder = as_dir(root)
    recorded = read_quality(folder, ["game_key", "evaluator", "settings"])
    if recorded.num_rows == 0:
        return QualityView(None)
    combos = recorded.group_by(["game_key", "evaluator", "settings"]).aggregate([]).to_pylist()
    settings = recorded_settings([c["settings"] for c in combos], rounds=rounds, seed=seed, level=level)
    shown: dict[tuple[str, str], list[str]] = {}
    for c in combos:
        shown.setdefault((c["game_key"], c["evaluator"]), []).append(c["settings"])
    return QualityView(summarise_folder(folder, settings), {k: " | ".join(sorted(v)) for k, v in shown.items()},
                       level)


NOT_RECORDED = ("rounds", "seed", "level", "engine")
"""Settings never taken from the table: the summary's own (the report's are used), and the chess engine, which
rows record by the name it gives itself ("Stockfish 15.1"), not by the command that starts it."""


def recorded_settings(texts: list[str | None], *, rounds: int, seed: int, level: float) -> QualitySettings:
    """The quality settings the table was computed with, so the page summarises what is there: an evaluator
    setting (depth, nodes, max_states, ...) recorded with a single value is taken; one recorded with several
    values (the folder was evaluated twice, differently) keeps its default, as `arena quality` would use."""
    values: dict[str, set[str]] = {}
    for text in texts:
        try:
            parsed = json.loads(text) if text else {}
        except ValueError:
            continue
        for key, value in parsed.items() if isinstance(parsed, dict) else ():
            if key in QualitySettings.model_fields and key not in NOT_RECORDED:
                values.setdefault(key, set()).add(json.dumps(value))
    chosen = {k: json.loads(next(iter(v))) for k, v in values.items() if len(v) == 1}
    try:
        return QualitySettings(**chosen, rounds=rounds, seed=seed, level=level)
    except ValueError:  # recorded settings this version refuses: the defaults, under which the summary says so
        return QualitySettings(rounds=rounds, seed=seed, level=level)


def label(metric: str, evaluator: str | None = None) -> str:
    """A column header: optimal_pct -> "optimal %", blunders_per_100 -> "blunders/100", p_C -> "P(C)";
    the prisoner's dilemma's p_cd -> "P(C | CD)": cooperation after the round (own move, opponent's) = (C, D)."""
    if metric == "acpl":
        return "ACPL"
    if metric.startswith("p_") and evaluator == "ipd":
        return f"P(C | {metric[2:].upper()})"
    if metric.startswith("p_"):
        return f"P({metric[2:]})"
    return re.sub(r"_pct$", " %", re.sub(r"_per_100$", "/100", metric)).replace("_", " ")


def digits(metric: str) -> int:
    """Percentages and centipawns to one decimal, rates per 100 decisions to two, values and shares to three."""
    if metric.endswith("_pct") or metric == "acpl":
        return 1
    if metric.endswith("_per_100"):
        return 2
    return 3


def settings_text(settings: str | None) -> str:
    """An evaluator's settings JSON as "depth=12, nodes=None"; the text itself when it is not a JSON object."""
    if not settings:
        return ""
    try:
        parsed: Any = json.loads(settings)
    except ValueError:
        return settings
    if not isinstance(parsed, dict):
        return settings
    return ", ".join(f"{k}={json.dumps(v) if isinstance(v, (dict, list)) else v}" for k, v in parsed.items())


def metrics_of(rows: pd.DataFrame) -> list[str]:
    """The metrics of one game's rows, in the order the evaluator wrote them."""
    return list(dict.fromkeys(rows["metric"].tolist()))


def players_in(rows: pd.DataFrame, order: list[str]) -> list[str]:
    """The players of `rows` in the page's order; players the order does not know (none rated) after, by name."""
    present = set(rows["player"])
    return [p for p in order if p in present] + sorted(present - set(order))


def description(evaluator: str, metric: str) -> str | None:
    """A metric's tooltip: DESCRIPTIONS, or what a p_ metric is; None where the name says it all."""
    if (evaluator, metric) in DESCRIPTIONS:
        return DESCRIPTIONS[(evaluator, metric)]
    if metric.startswith("p_") and evaluator == "ipd":
        own, theirs = metric[2].upper(), metric[3:].upper()
        return f"share of decisions that cooperated right after a round of (own move, opponent's) = ({own}, {theirs})"
    if metric.startswith("p_"):
        return f"share of decisions that chose {metric[2:]}"
    return None
