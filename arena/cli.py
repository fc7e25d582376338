"""`arena` command line: the one place that wires arena, backends and cluster together.

backends/ and cluster/ are imported inside the commands that need them, so
`arena games` or a config error never pays for starting Ray.
"""

from __future__ import annotations

import argparse
import signal
import sys

from arena.config.errors import ConfigError

EXIT_CONFIG = 2
EXIT_INTERRUPTED = 130


def _overrides(args: argparse.Namespace) -> list[str]:
    return [pair for group in (args.override or []) for pair in group]


def _add_override(p: argparse.ArgumentParser) -> None:
    p.add_argument("--override", "-o", nargs="+", action="append", metavar="KEY=VALUE",
                   help="change config keys, e.g. --override num_episodes=1 env_config.game_name=hex (repeatable)")


def cmd_run(args: argparse.Namespace) -> int:
    from backends.keys import load_dotenv
    from cluster.run import run_command

    load_dotenv()

    return run_command(args.config, _overrides(args), args.address, progress=not args.no_progress, extend=args.extend)


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


def cmd_submit(args: argparse.Namespace) -> int:
    from cluster.submit import submit_command

    return submit_command(args.config, _overrides(args), args.address, wait=args.wait, extend=args.extend)


def cmd_serve(args: argparse.Namespace) -> int:
    from backends.keys import load_dotenv
    from cluster.run import serve_command

    load_dotenv()
    return serve_command(args.action, args.config, _overrides(args), args.address)


def cmd_report(args: argparse.Namespace) -> int:
    from arena.report.command import report_command

    return report_command(args.results_dir, args.game, args.out, rounds=args.rounds, seed=args.seed,
                          reference=args.reference, seat_advantage=args.seat_advantage, elo_k=args.elo_k)


def cmd_games(args: argparse.Namespace) -> int:
    from arena.games import available_games

    for name, tailored in available_games():
        print(f"{name:40s} {'tailored renderer' if tailored else 'generic renderer'}")
    return 0


def _version() -> str:
    from importlib import metadata

    from arena.results.schema import SCHEMA_VERSION

    try:
        version = metadata.version("board-game-arena")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        version = "unknown"
    return f"arena {version} (results format {SCHEMA_VERSION})"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="arena", description="Board Game Arena: LLM tournaments on OpenSpiel games, on Ray.")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run a tournament (resumes if its results folder exists)")
    run.add_argument("config", help="tournament YAML file")
    _add_override(run)
    run.add_argument("--address", help="Ray cluster address to join; default: a reachable local cluster, else an embedded Ray")
    run.add_argument("--no-progress", action="store_true", help="no live progress bar")
    run.add_argument("--extend", action="store_true",
                     help="add players, games or episodes to the tournament already in its results folder "
                          "(recorded in its manifest); without it a changed definition is refused")
    run.set_defaults(func=cmd_run)

    play = sub.add_parser("play", help="play a game yourself at the terminal against any player")
    play.add_argument("game", help="game name, e.g. tic_tac_toe (see 'arena games')")
    play.add_argument("--vs", default="random",
                      help="opponent: random, mcts, mcts:simulations=500, a model name, or a player name from --config")
    play.add_argument("--side", "--seat", dest="side", default=None,
                      help="your side: a seat number, or a name where the game has them (chess and hex: white, "
                           "black; tic_tac_toe and connect_four: x, o); default: the side that moves first "
                           "(in chess White, which OpenSpiel numbers seat 1)")
    play.add_argument("--config", help="tournament YAML whose players --vs may name")
    play.add_argument("--param", "-p", nargs="+", action="extend", default=[], metavar="KEY=VALUE",
                      help="game parameter, e.g. -p board_size=7")
    _add_override(play)
    play.set_defaults(func=cmd_play)

    models = sub.add_parser("models", help="list configured models and whether each is ready (key, api_base, limits)")
    models.add_argument("config", nargs="?", help="tournament YAML: list its models; default: every model in the models files")
    models.add_argument("--models-file", help="litellm models file when no config is given; default: the one shipped "
                        "with the package (configs/litellm_models.yaml)")
    models.add_argument("--vllm-models-file", help="vllm models file when no config is given; default: the one shipped "
                        "with the package (configs/vllm_models.yaml)")
    _add_override(models)
    models.set_defaults(func=cmd_models)

    submit = sub.add_parser("submit", help="submit a tournament to a Ray cluster as a Ray job (arena run there)")
    submit.add_argument("config", help="tournament YAML inside this project folder (uploaded as the job's working_dir)")
    _add_override(submit)
    submit.add_argument("--address", default=None,
                        help="the cluster's dashboard, e.g. http://127.0.0.1:8265 (default: RAY_ADDRESS)")
    submit.add_argument("--wait", action="store_true", help="follow the job's logs; exit with its status")
    submit.add_argument("--extend", action="store_true", help="passed to arena run: add players, games or episodes")
    submit.set_defaults(func=cmd_submit)

    serve = sub.add_parser("serve", help="manage a long-lived Serve application of a config's vllm_* models")
    serve.add_argument("action", choices=["up", "status", "down"])
    serve.add_argument("config", help="tournament YAML: its vllm_* players and its serve settings")
    serve.add_argument("--address", help="Ray cluster address (required: an embedded Ray ends with this command)")
    _add_override(serve)
    serve.set_defaults(func=cmd_serve)

    report = sub.add_parser("report", help="leaderboard with confidence intervals, pairwise table, plots, HTML page")
    report.add_argument("results_dir", metavar="RESULTS_DIR", help="a tournament's results folder, e.g. results/demo")
    report.add_argument("--game", help="report on one game (name or name with parameters, e.g. hex(board_size=7))")
    report.add_argument("--out", help="folder for the CSV, JSON, PNG and HTML files; default RESULTS_DIR/report")
    report.add_argument("--rounds", type=int, default=1000,
                        help="bootstrap rounds; intervals are profile-likelihood ones, widened to the bootstrap's "
                             "where that is wider (0: no intervals)")
    report.add_argument("--seed", type=int, default=0, help="seed of the bootstrap")
    report.add_argument("--reference", help="player pinned at rating 1000; default random if it played, else the mean")
    report.add_argument("--seat-advantage", action="store_true", help="fit and report a first-seat advantage term")
    report.add_argument("--elo-k", type=float, default=16.0, help="K of the sequential Elo column")
    report.set_defaults(func=cmd_report)

    games = sub.add_parser("games", help="list playable games and which have a tailored renderer")
    games.set_defaults(func=cmd_games)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not break the shutdown with a traceback
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
