"""`arena run`: validate, connect to Ray, play, print the leaderboard."""

from __future__ import annotations

import logging
import sys

from arena.config.load import load_tournament
from arena.config.models import HumanPlayer, LLMPlayer, PlayerSpec, Tournament
from arena.leaderboard import leaderboard
from arena.render_table import print_table
from arena.results import load
from backends import registry
from backends.plan import prepare


def check_player(p: PlayerSpec, t: Tournament) -> None:
    """Everything about one player that must fail before Ray starts."""
    if isinstance(p, HumanPlayer):
        raise ValueError("human players play with 'arena play', not in a tournament run")
    if isinstance(p, LLMPlayer):
        registry.check(p, t)


def run_command(config: str, overrides: list[str], address: str | None, progress: bool = True) -> int:
    from cluster.driver import run_tournament
    from cluster.ray_session import connect

    t = load_tournament(config, overrides, check_player)
    logging.basicConfig(level=t.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    how = connect(address, log_level=t.log_level)
    print(f"ray: {how}", file=sys.stderr)
    plan = prepare(t, use_ray=True)
    summary = run_tournament(t, plan, show_progress=progress)
    for model, reason in plan.report()["fatal"].items():
        print(f"error: {model} could not play: {reason}", file=sys.stderr)
    if summary.skipped:
        print(f"resumed: skipped {summary.skipped} episodes already in {summary.root}", file=sys.stderr)
    rate = summary.played / summary.seconds if summary.seconds else 0.0
    print(f"played {summary.played} episodes ({summary.errors} errors) in {summary.seconds:.1f} s "
          f"({rate:.1f}/s); results in {summary.root}", file=sys.stderr)
    results = load(summary.root, moves=False)
    print_table(leaderboard(results.seats), f"Leaderboard: {t.name}")
    if summary.interrupted:
        print("interrupted: finished episodes are saved; run the same command again to resume", file=sys.stderr)
        return 130
    return 0
