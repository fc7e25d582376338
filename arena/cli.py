"""`arena` command line: the one place that wires arena, backends and cluster together.

backends/ and cluster/ are imported inside the commands that need them, so
`arena games` or a config error never pays for starting Ray.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from arena.config.errors import ConfigError

# Arrow's allocator (mimalloc) keeps freed pages for reuse by default; reading a large results folder
# then leaves hundreds of MB held that pandas never gets back. Freed pages go back at once instead
# (set before anything imports pyarrow; a value the user set wins).
os.environ.setdefault("MIMALLOC_PURGE_DELAY", "0")

EXIT_CONFIG = 2
EXIT_INTERRUPTED = 130


def _overrides(args: argparse.Namespace) -> list[str]:
    return [pair for group in (args.override or []) for pair in group]


def _add_override(p: argparse.ArgumentParser, example: str) -> None:
    p.add_argument("--override", "-o", nargs="+", action="append", metavar="KEY=VALUE",
                   help=f"change config keys (repeatable), e.g. --override {example}")


def cmd_run(args: argparse.Namespace) -> int:
    from backends.keys import load_dotenv
    from cluster.ray_session import choose_embedded_auth

    load_dotenv()
    choose_embedded_auth(args.address)
    from cluster.run import run_command

    return run_command(args.config, _overrides(args), args.address, progress=not args.no_progress, extend=args.extend,
                       verbose=args.verbose, over_budget=args.over_budget)


def cmd_play(args: argparse.Namespace) -> int:
    from arena.play import play_at_terminal
    from backends.keys import load_dotenv
    from backends.plan import prepare

    load_dotenv()
    from backends.registry import check

    return play_at_terminal(args.game, args.param, args.vs, args.side, args.config, _overrides(args),
                            prepare=lambda t: prepare(t, use_ray=False).backend_for, check_model=check)


def cmd_models(args: argparse.Namespace) -> int:
    from backends.keys import load_dotenv
    from backends.listing import models_command

    load_dotenv()
    return models_command(args.config, _overrides(args), args.models_file, args.vllm_models_file)


def cmd_plan(args: argparse.Namespace) -> int:
    from arena.config.load import load_tournament
    from arena.plan.show import print_plan
    from backends.plan_cost import plan_tournament
    from backends.registry import prefix_of

    def known_backend(p, t) -> None:  # prices and limits are read, keys are not needed
        if p.type == "llm":
            prefix_of(p.model)

    t = load_tournament(args.config, _overrides(args), known_backend)
    plan = plan_tournament(t)
    if args.json:
        print(plan.model_dump_json())
    else:
        print_plan(plan)
    return 0


def cmd_submit(args: argparse.Namespace) -> int:
    from cluster.submit import submit_command

    return submit_command(args.config, _overrides(args), args.address, wait=args.wait, extend=args.extend,
                          over_budget=args.over_budget, dev=args.dev)


def cmd_serve(args: argparse.Namespace) -> int:
    from backends.keys import load_dotenv
    from cluster.run import serve_command

    load_dotenv()
    return serve_command(args.action, args.config, _overrides(args), args.address)


def cmd_report(args: argparse.Namespace) -> int:
    from arena.report.command import report_command

    return report_command(args.results_dir, args.game, args.out, rounds=args.rounds, seed=args.seed,
                          reference=args.reference, seat_advantage=args.seat_advantage, elo_k=args.elo_k,
                          replays=args.replays)


def cmd_quality(args: argparse.Namespace) -> int:
    from cluster.ray_session import choose_embedded_auth

    choose_embedded_auth(args.address)
    from cluster.quality_command import quality_command, quality_settings

    settings = quality_settings(engine=args.engine, depth=args.depth, nodes=args.nodes, max_states=args.max_states,
                                rounds=args.rounds, seed=args.seed)
    return quality_command(args.results_dir, settings, json_out=args.json, workers=args.workers, address=args.address,
                           progress=not args.no_progress)


def cmd_games(args: argparse.Namespace) -> int:
    from arena.games.catalog import listing

    print("\n".join(listing(show_all=args.all)))
    return 0


def _version() -> str:
    from importlib import metadata

    from arena.results.schema import SCHEMA_VERSION

    try:
        version = metadata.version("board-game-arena")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        version = "unknown"
    return f"arena {version} (results format {SCHEMA_VERSION})"


class _VersionAction(argparse.Action):
    """Like argparse's version action, but the text is made only when asked: it imports the results package."""

    def __call__(self, parser, namespace, values, option_string=None):
        print(_version())
        parser.exit()


def _unset(default: object) -> bool:
    return default is None or default is False or default == [] or default == argparse.SUPPRESS


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Shows every default, unless the help text already says it in words."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if _unset(action.default) or "default" in text or not action.option_strings:
            return text
        return f"{text} (default: %(default)s)"


def _command(sub: argparse._SubParsersAction, name: str, summary: str, description: str) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=summary, description=description, formatter_class=_HelpFormatter)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="arena", description="Board Game Arena: LLM tournaments on OpenSpiel games, on Ray.",
                                     formatter_class=_HelpFormatter)
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="show the release and the results format, and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = _command(sub, "run", "run a tournament (resumes if its results folder exists)",
                   "Run the tournament CONFIG describes on Ray and write its results folder (output_dir/name). "
                   "A rerun plays only what is missing; with nothing missing it answers from the folder without "
                   "starting Ray. Ray, Serve and vLLM log to arena.log in the results folder.")
    run.add_argument("config", metavar="CONFIG", help="tournament YAML file")
    _add_override(run, "num_episodes=1 output_dir=/tmp/results")
    run.add_argument("--address", help="Ray cluster address to join; default: a reachable local cluster, else an embedded Ray")
    run.add_argument("--no-progress", action="store_true", help="no live progress bar")
    run.add_argument("--verbose", "-v", action="store_true",
                     help="show Ray, Serve and vLLM logs live instead of only in the results folder's arena.log")
    run.add_argument("--extend", action="store_true",
                     help="add players, games or episodes to the tournament already in its results folder "
                          "(recorded in its manifest); without it a changed definition is refused")
    run.add_argument("--over-budget", action="store_true",
                     help="start even when the plan's lowest estimate exceeds budget_usd (see 'arena plan')")
    run.set_defaults(func=cmd_run)

    play = _command(sub, "play", "play a game yourself at the terminal against any player",
                    "Play GAME at the terminal against a scripted player or a model; no Ray needed. "
                    "Chess moves are typed in SAN (e4, Nf3, O-O, e8=Q) or UCI (e2e4, e7e8q). "
                    "Ctrl-C ends the game at any prompt.")
    play.add_argument("game", metavar="GAME", help="game name, e.g. tic_tac_toe (see 'arena games')")
    play.add_argument("--vs", default="random",
                      help="opponent: random, mcts, mcts:simulations=500, solver, uci:nodes=20000,elo=1500, a model name, "
                           "or a player name from --config")
    play.add_argument("--side", "--seat", dest="side", default=None,
                      help="your side: a seat number, or a name where the game has them (chess and hex: white, "
                           "black; tic_tac_toe and connect_four: x, o); default: the side that moves first "
                           "(in chess White, which OpenSpiel numbers seat 1)")
    play.add_argument("--config", metavar="CONFIG", help="tournament YAML whose players --vs may name")
    play.add_argument("--param", "-p", nargs="+", action="extend", default=[], metavar="KEY=VALUE",
                      help="game parameter, e.g. -p board_size=7; default: the game's own")
    _add_override(play, "players.0.simulations=50 (changes keys of the --config file)")
    play.set_defaults(func=cmd_play)

    models = _command(sub, "models", "list configured models and whether each is ready (key, api_base, limits)",
                      "List the models CONFIG's players use (or every model in the models files) and whether each "
                      "is ready to play: API key present, api_base, rate limits. Reads files only; starts nothing.")
    models.add_argument("config", metavar="CONFIG", nargs="?",
                        help="tournament YAML: list its models; default: every model in the models files")
    models.add_argument("--models-file", help="litellm models file when no config is given; default: the one shipped "
                        "with the package (configs/litellm_models.yaml)")
    models.add_argument("--vllm-models-file", help="vllm models file when no config is given; default: the one shipped "
                        "with the package (configs/vllm_models.yaml)")
    _add_override(models, "litellm_models=my_models.yaml")
    models.set_defaults(func=cmd_models)

    plan = _command(sub, "plan", "price a tournament before it runs: episodes, model calls, tokens, cost, time",
                    "Estimate what CONFIG will take before anything runs: episodes per game, model calls, prompt "
                    "and completion tokens, cost per model (the models file's prices or LiteLLM's cost map) and "
                    "wall time under each provider's limits, with the limiting factor named. Figures are ranges. "
                    "Reads files only; no key is needed and nothing is called.")
    plan.add_argument("config", metavar="CONFIG", help="tournament YAML file")
    plan.add_argument("--json", action="store_true", help="print the figures as one JSON object (ranges as {low, high})")
    _add_override(plan, "episodes_per_pairing=100")
    plan.set_defaults(func=cmd_plan)

    submit = _command(sub, "submit", "submit a tournament to a Ray cluster as a Ray job (arena run there)",
                      "Submit CONFIG to a Ray cluster as a Ray job that runs 'arena run' there with the project "
                      "installed on the nodes; the tournament (overrides applied) and the models files it names "
                      "are uploaded with the job (secrets are not: .env and keys stay here).")
    submit.add_argument("config", metavar="CONFIG", help="tournament YAML, in any folder")
    _add_override(submit, "episodes_per_pairing=50 output_dir=s3://bucket/results")
    submit.add_argument("--address", default=None,
                        help="the cluster's dashboard, e.g. http://127.0.0.1:8265; default: RAY_ADDRESS")
    submit.add_argument("--wait", action="store_true", help="follow the job's logs; exit with its status")
    submit.add_argument("--extend", action="store_true", help="passed to arena run: add players, games or episodes")
    submit.add_argument("--over-budget", action="store_true",
                        help="passed to arena run: start even when the plan's lowest estimate exceeds budget_usd")
    submit.add_argument("--dev", action="store_true",
                        help="also upload this checkout's code (arena, backends, cluster, configs), which the job "
                             "runs instead of the installed project: for changes not yet installed on the nodes")
    submit.set_defaults(func=cmd_submit)

    serve = _command(sub, "serve", "manage a long-lived Serve application of a config's vllm_* models",
                     "Start (up), inspect (status) or stop (down) a Ray Serve application serving CONFIG's vllm_* "
                     "models on a running Ray cluster, so that many runs share one warm deployment.")
    serve.add_argument("action", metavar="ACTION", choices=["up", "status", "down"], help="up, status or down")
    serve.add_argument("config", metavar="CONFIG", help="tournament YAML: its vllm_* players and its serve settings")
    serve.add_argument("--address", help="Ray cluster address (required: an embedded Ray ends with this command)")
    _add_override(serve, "serve.ready_timeout_s=1800")
    serve.set_defaults(func=cmd_serve)

    report = _command(sub, "report", "leaderboard with confidence intervals, pairwise table, plots, HTML page",
                      "Rate the players of the tournament in RESULTS_DIR (Bradley-Terry with confidence intervals) "
                      "and write the leaderboard, pairwise table, plots and an HTML page.")
    report.add_argument("results_dir", metavar="RESULTS_DIR", help="a tournament's results folder, e.g. results/demo")
    report.add_argument("--game", help="report on one game (name or name with parameters, e.g. hex(board_size=7)); "
                        "default: all games, weighted equally")
    report.add_argument("--out", help="folder for the CSV, JSON, PNG and HTML files; default: RESULTS_DIR/report")
    report.add_argument("--rounds", type=int, default=1000,
                        help="bootstrap rounds; intervals are profile-likelihood ones, widened to the bootstrap's "
                             "where that is wider (0: no intervals)")
    report.add_argument("--seed", type=int, default=0, help="seed of the bootstrap")
    report.add_argument("--reference", metavar="NAME[=RATING]",
                        help="player pinned at RATING (default: its rating in the config's reference, else 1000); "
                             "default: the config's reference, else random at 1000 if it played, else the mean")
    report.add_argument("--seat-advantage", action="store_true", help="fit and report a first-seat advantage term")
    report.add_argument("--elo-k", type=float, default=16.0, help="K of the sequential Elo column")
    report.add_argument("--replays", type=int, default=10_000,
                        help="write step-by-step replays of at most this many episodes (0: none); over the limit, "
                             "episodes with forfeits, errors or illegal attempts come first")
    report.set_defaults(func=cmd_report)

    quality = _command(sub, "quality", "judge every move against a solver, an engine or a best response",
                       "Evaluate the moves of the tournament in RESULTS_DIR (solvable games: optimal moves and "
                       "blunders; chess: centipawn loss and accuracy with a UCI engine; poker: exploitability; "
                       "matrix games and the iterated prisoner's dilemma: their own measures) as Ray tasks, append "
                       "the rows to RESULTS_DIR/quality and print a per-player summary with intervals. A rerun "
                       "evaluates only what is missing under the same settings.")
    quality.add_argument("results_dir", metavar="RESULTS_DIR", help="a tournament's results folder, e.g. results/demo")
    quality.add_argument("--json", action="store_true", help="print the summary as one JSON document on stdout")
    quality.add_argument("--workers", type=int, help="tasks in flight at most; default: the cluster's CPUs")
    quality.add_argument("--address", help="Ray cluster address to join; default: RAY_ADDRESS, else an embedded Ray")
    limit = quality.add_mutually_exclusive_group()
    limit.add_argument("--depth", type=int, help="chess: engine search depth per position; default: 12")
    limit.add_argument("--nodes", type=int, help="chess: engine nodes per position instead of a depth")
    quality.add_argument("--engine", help="chess: UCI engine command; default: stockfish")
    quality.add_argument("--max-states", type=int,
                         help="solver: solve a perfect-information game only up to this many states; default: 1000000")
    quality.add_argument("--rounds", type=int, help="bootstrap rounds over episodes (0: no intervals); default: 1000")
    quality.add_argument("--seed", type=int, help="seed of the bootstrap; default: 0")
    quality.add_argument("--no-progress", action="store_true", help="no live progress bar")
    quality.set_defaults(func=cmd_quality)

    games = _command(sub, "games", "list playable games and which have a tailored renderer",
                     "List the games a tournament or 'arena play' can name, with their players count and "
                     "parameters (name=default), tailored games first.")
    games.add_argument("--all", action="store_true",
                       help="also list the games OpenSpiel knows that cannot be played as named, and why")
    games.set_defaults(func=cmd_games)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_CONFIG
    except BrokenPipeError:  # `arena games | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush does not fail again
        return 0
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not break the shutdown with a traceback
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
