"""`arena play`: a person at the terminal against any configured player, no Ray needed."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable

import yaml
from pydantic import ValidationError

from arena.agents.factory import BackendFor, make_agent
from arena.agents.human import HumanAgent
from arena.config.errors import ConfigError
from arena.config.load import load_tournament
from arena.config.models import GameSpec, LLMPlayer, MCTSPlayer, PlayerSpec, RandomPlayer, Tournament
from arena.episode import EpisodeLog, play_episode
from arena.games import load_game
from arena.games.registry import UnknownGame
from arena.games.sides import SIDE_NAMES, first_seat, seat_for
from arena.results.rows import outcomes


def parse_pairs(pairs: list[str], what: str) -> dict:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ConfigError(f"{what}: '{pair}' is not KEY=VALUE")
        out[key] = yaml.safe_load(value)
    return out


def resolve_opponent(vs: str, base: Tournament | None) -> PlayerSpec:
    """`random`, `mcts`, `mcts:simulations=500,rollouts=2`, a model name, or a player name from --config (`base`)."""
    if base is not None:
        for p in base.players:
            if p.display_name == vs:
                return p
    kind, _, args = vs.partition(":")
    options = parse_pairs([a for a in args.split(",") if a], f"--vs {vs}")
    try:
        if kind == "random":
            return RandomPlayer(type="random", **options)
        if kind == "mcts":
            return MCTSPlayer(type="mcts", **options)
        if "_" in kind:
            return LLMPlayer(type="llm", model=vs)
    except ValidationError as e:
        raise ConfigError(f"--vs {vs}: {e.errors()[0]['loc'][-1]}: {e.errors()[0]['msg']}") from None
    raise ConfigError(f"--vs: unknown player '{vs}'; use random, mcts[:simulations=N], a model name, "
                      "or a player name from --config")


def play_at_terminal(game_name: str, params: list[str], vs: str, side: str | None, config: str | None,
                     overrides: list[str], prepare: Callable[[Tournament], BackendFor],
                     check_model: Callable[[LLMPlayer, Tournament], None]) -> int:
    """`side`: a seat number or a side name (white, x...); None takes the side that moves first.
    `prepare` brings up the opponent's backend (in-process) and returns its backend_for."""
    try:
        game = load_game(game_name, parse_pairs(params, "--param"))
    except UnknownGame as e:
        raise ConfigError(f"game: {e}") from None
    try:
        seat = seat_for(game, side)
    except ValueError as e:
        raise ConfigError(f"--side: {e}") from None
    if overrides and not config:
        raise ConfigError("--override: changes keys of a tournament file; give one with --config")
    base = load_tournament(config, overrides) if config else None
    opponent = resolve_opponent(vs, base)
    context = _context(game_name, opponent, base)
    backend_for = None
    if isinstance(opponent, LLMPlayer):
        try:
            check_model(opponent, context)
        except ValueError as e:
            raise ConfigError(f"--vs: {e}") from None
        backend_for = prepare(context)
    names = SIDE_NAMES.get(game.name)
    first = first_seat(game)
    print(f"You play seat {seat}{f' ({names[seat].capitalize()})' if names else ''}"
          f"{'; you move first' if first == seat else ''}.")
    seed = random.SystemRandom().randrange(2**62)
    agents = [HumanAgent() if p == seat else make_agent(opponent, game, seed + p, backend_for)
              for p in range(game.num_players)]
    rngs = [random.Random(seed + p) for p in range(game.num_players)]
    log = asyncio.run(play_episode(game, agents, random.Random(seed), rngs, None, EpisodeLog()))
    result = outcomes(log.status, log.returns, log.forfeit_seats, game.num_players)[seat]
    print(f"Game over ({log.status}). Returns by seat: {log.returns}. You {_verb(result)}.")
    return 0


def _context(game_name: str, opponent: PlayerSpec, base: Tournament | None) -> Tournament:
    """The settings a backend needs (models file, provider limits), from --config (`base`) when given."""
    settings = {k: getattr(base, k) for k in ("litellm_models", "vllm_models", "providers", "budget_usd")} if base else {}
    return Tournament(name="play", format="match", games=[GameSpec(name=game_name)],
                      players=[RandomPlayer(type="random", name="you"), opponent], **settings)


def _verb(outcome: str | None) -> str:
    return {"win": "won", "loss": "lost", "draw": "drew"}.get(outcome or "", "did not finish")
