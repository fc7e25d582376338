"""Rule-breaking per game of the players that can break rules: illegal answers as a percentage of decisions
and forfeits per 100 decisions, with their intervals. Scripted players (random, mcts) only ever play
legal moves, so rows of zeros for them would only hide the players that matter."""

from __future__ import annotations

import pandas as pd

from arena.ratings import POOLED
from arena.report.formats import interval, number
from arena.report.html import Cell, Html, head, join, link, table
from arena.report.links import episodes_link
from arena.report.tables import Standings

RULE_CAPABLE = ("llm", "human")
"""Player types whose answers can be illegal (arena.config.models: llm, human; random and mcts cannot)."""


def rule_capable(seats: pd.DataFrame) -> set[str]:
    """Names of the players of a rule-capable type."""
    return set(seats.loc[seats["player_type"].isin(RULE_CAPABLE), "player"])


def rule_breaking_html(s: Standings, order: list[str], capable: set[str], anchor: str) -> Html:
    """One row per rule-capable player and game it played, then its row over all games; id `anchor`."""
    games = [scope for scope in s.scopes if scope != POOLED]
    board = s.leaderboard.set_index(["scope", "player"])
    columns = [head("player"), head("game"), head("decisions", num=True),
               head("illegal %", num=True, title="illegal answers as a percentage of decisions (re-prompts count)"),
               head(f"{s.level:.0%} CI", num=True), head("forfeits/100", num=True, title="forfeits per 100 decisions"),
               head(f"{s.level:.0%} CI", num=True), head("forfeits", num=True)]
    rows = []
    for player in (p for p in order if p in capable):
        for scope in [*games, POOLED] if len(games) > 1 else games:
            if (scope, player) not in board.index or not board.at[(scope, player), "decisions"]:
                continue
            r = board.loc[(scope, player)]
            game = None if scope == POOLED else scope
            illegal = link(number(r["illegal_per_100"], 2), episodes_link(game=game, player=player, illegal=True),
                           f"episodes in which {player} answered illegally") if r["illegal_attempts"] else "0.00"
            forfeits = int(r["forfeits"])
            shown = link(forfeits, episodes_link(game=game, player=player, outcome="forfeit"),
                         f"episodes {player} forfeited") if forfeits else join([forfeits])
            rows.append([Cell(player, cls="name"), Cell("all games" if scope == POOLED else scope),
                         Cell(number(r["decisions"]), num=True), Cell(illegal, num=True),
                         Cell(interval(r["illegal_ci_low"], r["illegal_ci_high"], 2), num=True),
                         Cell(number(r["forfeits_per_100"], 2), num=True),
                         Cell(interval(r["forfeits_ci_low"], r["forfeits_ci_high"], 2), num=True),
                         Cell(shown, num=True)])
    return table(columns, rows, id_=anchor)
