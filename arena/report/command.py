"""`arena report RESULTS_DIR`: check the input, print the leaderboard, write the report files."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from arena.config.errors import ConfigError
from arena.ratings.elo import DEFAULT_K
from arena.ratings.rating import DEFAULT_REFERENCE
from arena.report.build import write_report
from arena.report.latency import call_latency
from arena.report.replays import REPLAYS
from arena.report.tables import UnknownGame, select_game, standings
from arena.report.terminal import print_leaderboard
from arena.results import load
from arena.results.folder import ResultsMismatch
from arena.results.location import is_uri, shown


def report_command(results_dir: str, game: str | None = None, out: str | None = None, *, rounds: int = 1000,
                   seed: int = 0, reference: str | None = None, seat_advantage: bool = False,
                   elo_k: float = DEFAULT_K, replays: int = REPLAYS) -> int:
    """`reference` None: `random` when it played, else the mean player; `replays`: at most that many episode
    replays (0: none). Bad input raises ConfigError (one line)."""
    where = shown(results_dir) if is_uri(results_dir) else results_dir  # a URI's query may hold credentials
    if rounds < 0:
        raise ConfigError(f"--rounds: {rounds} is negative; use 0 for no intervals, 1000 by default")
    if replays < 0:
        raise ConfigError(f"--replays: {replays} is negative; use 0 for no replays, {REPLAYS} by default")
    try:
        results = load(results_dir, moves=False, lean=True)  # moves are streamed where needed
    except FileNotFoundError:
        raise ConfigError(f"{where}: no results folder there") from None
    except ResultsMismatch as e:  # another format version, or definitions mixed without a record
        raise ConfigError(str(e)) from None
    if results.episodes.empty:
        raise ConfigError(f"{where}: no episodes (expected episodes/part-*.parquet from 'arena run')")
    try:
        results = select_game(results, game)
    except UnknownGame as e:
        raise ConfigError(f"--game: {e}") from None
    finished = results.seats["outcome"].notna()
    if not finished.any():
        statuses = results.episodes["status"].value_counts().to_dict()
        summary = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
        raise ConfigError(f"{where}: no finished episodes to rate ({summary})")
    if reference is not None and reference not in set(results.seats["player"]):
        players = ", ".join(sorted(set(results.seats["player"])))
        raise ConfigError(f"--reference: '{reference}' did not play here; players: {players}")
    s = standings(results, rounds=rounds, seed=seed, reference=reference or DEFAULT_REFERENCE,
                  seat_advantage=seat_advantage, elo_k=elo_k,
                  latency=call_latency(results_dir, results.episodes["play_id"]))
    name = ", ".join(sorted(set(results.episodes["tournament"])))
    print_leaderboard(s, f"Leaderboard: {name}" + (f" ({game})" if game else ""), console=Console())
    target = Path(out) if out else _default_out(results_dir)
    written = write_report(results_dir, results, s, target, game, replays=replays)
    print(f"wrote {len(written.files)} files to {target}; open {written.html}")
    return 0


def _default_out(results_dir: str) -> Path:
    """RESULTS_DIR/report for a local folder; ./NAME-report for a URI (s3://.../NAME), which is not a local path."""
    if is_uri(results_dir):
        return Path(f"{shown(results_dir).rstrip('/').rsplit('/', 1)[-1]}-report")
    return Path(results_dir) / "report"
