"""`arena run`: validate, connect to Ray, play, print the leaderboard."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from arena.config.load import load_tournament
from arena.config.models import HumanPlayer, LLMPlayer, PlayerSpec, Tournament, UCIPlayer
from arena.results import load
from arena.results.location import ResultsDir, is_uri
from backends import registry

# Ray, Serve and the backends' plans are imported where a run needs them: a tournament with nothing
# left to play answers from its folder without them.

JOB_MARKER = "ARENA_SUBMITTED_JOB"  # set in a submitted job's runtime_env (cluster/submit.py)


def check_player(p: PlayerSpec, t: Tournament) -> None:
    """Everything about one player that must fail before Ray starts."""
    if isinstance(p, HumanPlayer):
        raise ValueError("human players play with 'arena play', not in a tournament run")
    if isinstance(p, LLMPlayer):
        registry.check(p, t)
    if isinstance(p, UCIPlayer):
        from arena.agents.uci import check_engine

        check_engine(p)


def run_command(config: str, overrides: list[str], address: str | None, progress: bool = True,
                extend: bool = False, verbose: bool = False, over_budget: bool = False) -> int:
    from arena.config.errors import ConfigError
    from arena.results import completed_episode_ids
    from arena.results.folder import check_definition, pending_episodes
    from cluster.run_log import RunLog, log_path

    t = with_job_files(with_results_root(load_tournament(config, overrides, check_player)))
    try:
        root = ResultsDir(t.output_dir).child(t.name)  # as cluster.driver.results_root, without importing Ray
        check_definition(root, t, extend)  # a folder of another tournament is refused before Ray starts
        root.check_writable()  # ...and so is a folder nobody can write to
    except ValueError as e:
        raise ConfigError(str(e)) from None
    done = completed_episode_ids(root)  # read once: the driver plays what is not in it
    pending = pending_episodes(t, root, done)
    if pending == 0:  # a finished tournament answers from its folder: no Ray, no model
        return _already_played(t, root, extend, address, progress)
    from cluster.run_plan import plan_notice

    estimate = plan_notice(t, pending, over_budget)  # refuses a sure overspend before anything is written
    run_log = RunLog(log_path(root.local_path, t.name), verbose=verbose or t.log_level == "DEBUG", level=t.log_level)
    where = f"the Ray cluster at {address or os.environ['RAY_ADDRESS']}" if address or os.environ.get("RAY_ADDRESS") \
        else "an embedded Ray"
    amount = f"up to {pending} episodes (adaptive, to ±{t.schedule.target_ci:g} Elo)" \
        if t.schedule.mode == "adaptive" else f"{pending} episodes"
    print(f"{t.name}: {amount} to play on {where}{estimate.inline}; Ray, Serve and vLLM log to {_shown(run_log.path)}",
          file=sys.stderr, flush=True)
    if estimate.line:
        print(estimate.line, file=sys.stderr, flush=True)
    try:
        return _play(t, root, address, progress, extend, run_log, done, pending)
    finally:
        run_log.close()


def _play(t: Tournament, root, address: str | None, progress: bool, extend: bool, run_log, done: set[str],
          pending: int) -> int:
    # What the run imports, before Ray connects: when a submitted job's driver connects, Ray unpacks the job's
    # working_dir again and for a moment its files are gone (see with_job_files); an import of code shipped
    # with `arena submit --dev` in that moment failed ("cannot import name 'sequential' from 'arena.adaptive'").
    from backends.plan import prepare
    from cluster import serve_app
    from cluster.adaptive_driver import run_adaptive  # noqa: F401
    from cluster.driver import run_tournament
    from cluster.progress import ServeProgress
    from cluster.ray_session import connect

    vllm = serve_app.vllm_entries(t)
    connect(address, log_level=t.log_level, num_cpus=_embedded_cpus(len(vllm)))
    run_log.claim_loggers()
    run_log.claim_worker_lines()
    if vllm:
        with run_log.capture():
            serve_app.import_serving()
    served = start_vllm(t, vllm, ServeProgress())
    run_log.claim_loggers()
    try:
        plan = prepare(t, use_ray=True)
        summary = run_tournament(t, plan, show_progress=progress, root=root, extend=extend, done=(done, pending))
    finally:
        if served and not t.serve.keep:
            serve_app.remove(t.serve)
    for model, reason in plan.report()["fatal"].items():
        print(f"error: {model} could not play: {reason}", file=sys.stderr)
    if summary.skipped:
        print(f"resumed: skipped {summary.skipped} episodes already in {_shown(summary.root)}", file=sys.stderr)
    if summary.stop:
        print(f"schedule: stopped: {summary.stop}; every round in {_shown(summary.root)}/schedule.json",
              file=sys.stderr)
    rate = summary.played / summary.seconds if summary.seconds else 0.0
    print(f"played {summary.played} episodes ({summary.errors} errors) in {summary.seconds:.1f} s "
          f"({rate:.1f}/s); results in {_shown(summary.root)}", file=sys.stderr)
    from arena.report import print_leaderboard  # scipy and the tables: after the run, not before it

    results = load(summary.results_dir, moves=False, lean=True)
    partial = f" (partial: interrupted after {summary.skipped + summary.played} of {summary.scheduled} episodes)"
    print_leaderboard(_standings(t, results), f"Leaderboard: {t.name}" + (partial if summary.interrupted else ""))
    if summary.interrupted:
        print("interrupted: finished episodes are saved; run the same command again to resume", file=sys.stderr)
        return 130
    return _quality(t, summary.results_dir, address, progress)


def _quality(t: Tournament, root: ResultsDir, address: str | None, progress: bool) -> int:
    """`quality: true`: the move-quality table and its summary, below the leaderboard (in the Ray session
    the tournament used; none is started when everything is already evaluated)."""
    if not t.quality:
        return 0
    from arena.quality.settings import QualitySettings
    from cluster.quality import compute_quality
    from cluster.quality_command import show_quality

    settings = QualitySettings()
    run = compute_quality(root, settings=settings, address=address, progress=progress)
    return show_quality(root, _shown(root.local_path or root.uri), settings, run)


def _shown(path) -> str:
    """A path under the working directory as the user would type it; anything else as it is."""
    if isinstance(path, str) and "://" in path:
        return path
    try:
        relative = os.path.relpath(path)
    except (ValueError, OSError):  # another drive; or a working directory that is gone (a finished job's)
        return str(path)
    return str(path) if relative.startswith("..") else relative


def _already_played(t: Tournament, root, extend: bool, address: str | None = None, progress: bool = True) -> int:
    """Every episode is in the folder: record the run, print the leaderboard, start nothing."""
    from arena.report import print_leaderboard
    from arena.results.manifest import Manifest
    from arena.schedule import count

    scheduled = count(t)
    if t.schedule.mode == "adaptive":
        from arena.adaptive.record import ScheduleRecord

        record = ScheduleRecord.read(root)
        scheduled = record.scheduled
        print(f"schedule: stopped after {len(record.rounds)} rounds: {(record.stop or {}).get('words', '')}",
              file=sys.stderr)
    Manifest(root, t, extend).save("finished", scheduled=scheduled, skipped=scheduled, played=0, errors=0, seconds=0.0)
    where = _shown(root.local_path or root.uri)
    print(f"resumed: skipped {scheduled} episodes already in {where}", file=sys.stderr)
    print(f"played 0 episodes (0 errors); nothing left to play, Ray not started; results in {where}", file=sys.stderr)
    print_leaderboard(_standings(t, load(root, moves=False, lean=True)), f"Leaderboard: {t.name}")
    return _quality(t, root, address, progress)


def _standings(t: Tournament, results):
    """The leaderboard's numbers, with the tournament's reference player pinned at its rating."""
    from arena.report import standings

    if t.reference is None:
        return standings(results)
    return standings(results, reference=t.reference.player, anchor_rating=t.reference.rating)


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


def with_job_files(t: Tournament) -> Tournament:
    """In a submitted job, the models files that came with it (cluster/job_folder.py), copied out of the
    job's folder before Ray connects: when the driver connects, Ray unpacks the job's working_dir again on
    this node, and for that moment its files are gone (and the driver's working directory is a deleted
    folder). Only the driver reads models files; the copies are removed when it exits."""
    import atexit
    import shutil
    import tempfile

    from arena.config.files import MODELS_FILES

    shipped = {key: Path(getattr(t, key)) for key in MODELS_FILES
               if os.environ.get(JOB_MARKER) and Path(getattr(t, key)).is_relative_to(Path.cwd())}
    if not shipped:
        return t
    stable = Path(tempfile.mkdtemp(prefix="arena-job-files-"))
    atexit.register(shutil.rmtree, stable, ignore_errors=True)
    return t.model_copy(update={key: shutil.copy(path, stable / path.name) for key, path in shipped.items()})


def _embedded_cpus(vllm_models: int) -> int | None:
    """A vLLM replica on CPU takes two logical CPUs and the ingress one more (DESIGN.md), on top of
    the cores the episode tasks use; an embedded Ray gets that many logical CPUs."""
    if not vllm_models:
        return None
    return (os.cpu_count() or 1) + 3 * vllm_models + 2


def start_vllm(t, entries, on_progress) -> bool:
    """Deploy the tournament's vllm_* models unless an application of that name already serves them."""
    from cluster import serve_app

    if not entries:
        return False
    if serve_app.running(t.serve):
        print(f"serve: using the running application {t.serve.app_name}", file=sys.stderr)
        return False
    serve_app.deploy(entries, t.serve, on_progress=on_progress)
    return True


def serve_command(action: str, config: str, overrides: list[str], address: str | None) -> int:
    """`arena serve up|status|down`: an application that several tournaments (serve.app_name) reuse."""
    from arena.config.errors import ConfigError
    from cluster import serve_app
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
        serve_app.deploy(entries, t.serve)
        return 0
    if action == "status":
        print(f"serve: {t.serve.app_name} {'running' if serve_app.running(t.serve) else 'not running'}")
        return 0 if serve_app.running(t.serve) else 1
    serve_app.remove(t.serve)
    print(f"serve: {t.serve.app_name} removed")
    return 0
