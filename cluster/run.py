"""`arena run`: validate, connect to Ray, play, print the leaderboard."""

from __future__ import annotations

import logging
import os
import sys

from arena.config.load import load_tournament
from arena.config.models import HumanPlayer, LLMPlayer, PlayerSpec, Tournament
from arena.report import print_leaderboard, standings
from arena.results import load
from arena.results.location import is_uri
from backends import registry
from backends.plan import prepare
from cluster import serve_app

JOB_MARKER = "ARENA_SUBMITTED_JOB"  # set in a submitted job's runtime_env (cluster/submit.py)


def check_player(p: PlayerSpec, t: Tournament) -> None:
    """Everything about one player that must fail before Ray starts."""
    if isinstance(p, HumanPlayer):
        raise ValueError("human players play with 'arena play', not in a tournament run")
    if isinstance(p, LLMPlayer):
        registry.check(p, t)


def run_command(config: str, overrides: list[str], address: str | None, progress: bool = True,
                extend: bool = False) -> int:
    from arena.config.errors import ConfigError
    from arena.results.folder import check_definition, pending_episodes
    from cluster.driver import results_root, run_tournament
    from cluster.ray_session import connect

    t = with_results_root(load_tournament(config, overrides, check_player))
    logging.basicConfig(level=t.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        root = results_root(t)
        check_definition(root, t, extend)  # a folder of another tournament is refused before Ray starts
        root.check_writable()  # ...and so is a folder nobody can write to
    except ValueError as e:
        raise ConfigError(str(e)) from None
    if pending_episodes(t, root) == 0:  # a finished tournament answers from its folder: no Ray, no model
        return _already_played(t, root, extend)
    vllm = serve_app.vllm_entries(t)
    how = connect(address, log_level=t.log_level, num_cpus=_embedded_cpus(len(vllm)))
    print(f"ray: {how}", file=sys.stderr)
    served = start_vllm(t, vllm)
    try:
        plan = prepare(t, use_ray=True)
        summary = run_tournament(t, plan, show_progress=progress, root=root, extend=extend)
    finally:
        if served and not t.serve.keep:
            serve_app.remove(t.serve)
    for model, reason in plan.report()["fatal"].items():
        print(f"error: {model} could not play: {reason}", file=sys.stderr)
    if summary.skipped:
        print(f"resumed: skipped {summary.skipped} episodes already in {summary.root}", file=sys.stderr)
    rate = summary.played / summary.seconds if summary.seconds else 0.0
    print(f"played {summary.played} episodes ({summary.errors} errors) in {summary.seconds:.1f} s "
          f"({rate:.1f}/s); results in {summary.root}", file=sys.stderr)
    results = load(summary.results_dir, moves=False)
    partial = f" (partial: interrupted after {summary.skipped + summary.played} of {summary.scheduled} episodes)"
    print_leaderboard(standings(results), f"Leaderboard: {t.name}" + (partial if summary.interrupted else ""))
    if summary.interrupted:
        print("interrupted: finished episodes are saved; run the same command again to resume", file=sys.stderr)
        return 130
    return 0


def _already_played(t: Tournament, root, extend: bool) -> int:
    """Every episode is in the folder: record the run, print the leaderboard, start nothing."""
    from arena.results.manifest import Manifest
    from arena.schedule import count

    scheduled = count(t)
    Manifest(root, t, extend).save("finished", scheduled=scheduled, skipped=scheduled, played=0, errors=0, seconds=0.0)
    where = root.local_path or root.uri
    print(f"resumed: skipped {scheduled} episodes already in {where}", file=sys.stderr)
    print(f"played 0 episodes (0 errors); nothing left to play, Ray not started; results in {where}", file=sys.stderr)
    print_leaderboard(standings(load(root, moves=False)), f"Leaderboard: {t.name}")
    return 0


JOB_DEFAULT_ROOT = "~/arena-results"


def with_results_root(t: Tournament) -> Tournament:
    """A relative output_dir is resolved against ARENA_RESULTS_ROOT when set (e.g. s3://bucket/arena on a
    cluster's nodes). In a submitted job without it, against ~/arena-results of the node running the
    driver: the job's working_dir is a temporary copy that Ray deletes."""
    root = os.environ.get("ARENA_RESULTS_ROOT") or (JOB_DEFAULT_ROOT if os.environ.get(JOB_MARKER) else None)
    if not root or is_uri(t.output_dir) or os.path.isabs(t.output_dir):
        return t
    root = root if is_uri(root) else os.path.expanduser(root)
    return t.model_copy(update={"output_dir": root.rstrip("/") + "/" + t.output_dir})


def _embedded_cpus(vllm_models: int) -> int | None:
    """A vLLM replica on CPU takes two logical CPUs and the ingress one more (DESIGN.md), on top of
    the cores the episode tasks use; an embedded Ray gets that many logical CPUs."""
    if not vllm_models:
        return None
    return (os.cpu_count() or 1) + 3 * vllm_models + 2


def start_vllm(t, entries) -> bool:
    """Deploy the tournament's vllm_* models unless an application of that name already serves them."""
    if not entries:
        return False
    if serve_app.running(t.serve):
        print(f"serve: using the running application {t.serve.app_name}", file=sys.stderr)
        return False
    serve_app.deploy(entries, t.serve, on_progress=lambda line: print(line, file=sys.stderr))
    return True


def serve_command(action: str, config: str, overrides: list[str], address: str | None) -> int:
    """`arena serve up|status|down`: an application that several tournaments (serve.app_name) reuse."""
    from arena.config.errors import ConfigError
    from cluster.ray_session import connect

    t = load_tournament(config, overrides, check_player)
    if not (address or os.environ.get("RAY_ADDRESS")):
        raise ConfigError("--address: arena serve needs a running Ray cluster (ray start --head, then --address auto)")
    connect(address)
    if action == "up":
        if serve_app.running(t.serve):
            print(f"serve: {t.serve.app_name} is already running")
            return 0
        entries = serve_app.vllm_entries(t)
        if not entries:
            raise ConfigError(f"{config}: no vllm_* players to serve")
        serve_app.deploy(entries, t.serve, on_progress=print)
        return 0
    if action == "status":
        print(f"serve: {t.serve.app_name} {'running' if serve_app.running(t.serve) else 'not running'}")
        return 0 if serve_app.running(t.serve) else 1
    serve_app.remove(t.serve)
    print(f"serve: {t.serve.app_name} removed")
    return 0
