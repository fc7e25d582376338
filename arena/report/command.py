"""`arena report RESULTS_DIR`: check the input, print the leaderboard, write the report files."""

from __future__ import annotations

import math
from pathlib import Path

from rich.console import Console

from arena.config.errors import ConfigError
from arena.config.models import RatingReference
from arena.ratings.elo import DEFAULT_K
from arena.ratings.rating import ANCHOR_RATING, DEFAULT_REFERENCE
from arena.report.build import player_order, write_report
from arena.report.latency import call_latency
from arena.report.quality_view import read_quality_view
from arena.report.replays import REPLAYS
from arena.report.tables import UnknownGame, select_game, standings
from arena.report.terminal import print_leaderboard, print_quality
from arena.results import load
from arena.results.folder import ResultsMismatch, read_manifest
from arena.results.location import as_dir, is_uri, shown


def report_command(results_dir: str, game: str | None = None, out: str | None = None, *, rounds: int = 1000,
                   seed: int = 0, reference: str | None = None, seat_advantage: bool = False,
                   elo_k: float = DEFAULT_K, replays: int = REPLAYS) -> int:
    """`reference` "NAME[=RATING]" pins NAME at RATING (default: the tournament's rating for NAME, else 1000);
    None: the tournament's reference (its config's `reference:`), else `random` at 1000 when it played,
    else the mean player. `replays`: at most that many episode replays (0: none).
    Bad input raises ConfigError (one line)."""
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
    pinned = _pinned(reference, _configured_reference(results_dir))
    if reference is not None and pinned.player not in set(results.seats["player"]):
        players = ", ".join(sorted(set(results.seats["player"])))
        raise ConfigError(f"--reference: '{pinned.player}' did not play here; players: {players}")
    s = standings(results, rounds=rounds, seed=seed, reference=pinned.player, anchor_rating=pinned.rating,
                  seat_advantage=seat_advantage, elo_k=elo_k,
                  latency=call_latency(results_dir, results.episodes["play_id"]))
    name = ", ".join(sorted(set(results.episodes["tournament"])))
    print_leaderboard(s, f"Leaderboard: {name}" + (f" ({game})" if game else ""), console=Console())
    target = Path(out) if out else _default_out(results_dir)
    quality = read_quality_view(results_dir, rounds=rounds, seed=seed, level=s.level).of_games(
        set(results.episodes["game_key"]))
    print_quality(quality, player_order(s), console=Console())
    written = write_report(results_dir, results, s, target, game, replays=replays, quality=quality)
    print(f"wrote {len(written.files)} files to {target}; open {written.html}")
    return 0


def _configured_reference(results_dir: str) -> RatingReference | None:
    """The `reference:` of the tournament definition the folder's manifest records, if any."""
    manifest = read_manifest(as_dir(results_dir)) or {}
    configured = manifest.get("tournament", {}).get("reference")
    return RatingReference.model_validate(configured) if configured else None


def _pinned(reference: str | None, configured: RatingReference | None) -> RatingReference:
    """The player to pin and its rating: --reference NAME[=RATING] over the tournament's, over the default."""
    if reference is None:
        return configured or RatingReference(player=DEFAULT_REFERENCE, rating=ANCHOR_RATING)
    if "=" not in reference:
        if configured is not None and configured.player == reference:
            return configured
        return RatingReference(player=reference, rating=ANCHOR_RATING)
    name, _, value = reference.rpartition("=")
    try:
        rating = float(value)
    except ValueError:
        rating = math.nan
    if not name or not math.isfinite(rating):
        raise ConfigError(f"--reference: '{reference}' is not NAME or NAME=RATING (RATING a finite number)")
    return RatingReference(player=name, rating=rating)


def _default_out(results_dir: str) -> Path:
    """RESULTS_DIR/report for a local folder; ./NAME-report for a URI (s3://.../NAME), which is not a local path."""
    if is_uri(results_dir):
        return Path(f"{shown(results_dir).rstrip('/').rsplit('/', 1)[-1]}-report")
    return Path(results_dir) / "report"
