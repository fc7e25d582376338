"""`arena play`: a person at the terminal against any configured player, no Ray needed."""

from __future__ import annotations

import asyncio
import difflib
import random
import signal
import sys
from collections.abc import Callable, Iterable

import pyspiel
import yaml
from pydantic import ValidationError

from arena.agents.base import Agent, Decision, PlayerFailure, Turn
from arena.agents.factory import BackendFor, make_agent
from arena.agents.human import HumanAgent, move_names
from arena.config.errors import ConfigError
from arena.config.load import load_tournament
from arena.config.models import (
    GameSpec,
    LLMPlayer,
    MCTSPlayer,
    PlayerSpec,
    RandomPlayer,
    SolverPlayer,
    Tournament,
    UCIPlayer,
)
from arena.episode import EpisodeLog, play_episode
from arena.games import load_game
from arena.games.base import Game
from arena.games.catalog import unplayable
from arena.games.registry import UnknownGame
from arena.games.sides import SIDE_NAMES, first_seat, seat_for
from arena.results.rows import outcomes

EXIT_ABANDONED = 130  # what a shell reports for a program ended by Ctrl-C
EXIT_OPPONENT_FAILED = 1
_SCRIPTED: dict[str, type[RandomPlayer] | type[MCTSPlayer] | type[SolverPlayer] | type[UCIPlayer]] = {
    "random": RandomPlayer, "mcts": MCTSPlayer, "solver": SolverPlayer, "uci": UCIPlayer}


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
    names = [p.display_name for p in base.players] if base is not None else []
    if base is not None:
        for p in base.players:
            if p.display_name == vs:
                return p
    kind, _, args = vs.partition(":")
    options = parse_pairs([a for a in args.split(",") if a], f"--vs {vs}")
    model = _SCRIPTED.get(kind)
    try:
        if model is not None:
            return model.model_validate({"type": kind, **options})
        if "_" in kind:
            return LLMPlayer(type="llm", model=vs)
    except ValidationError as e:
        loc, msg = e.errors()[0]["loc"], e.errors()[0]["msg"]
        if not loc:  # a check of the whole player, e.g. uci's one search limit
            raise ConfigError(f"--vs {vs}: {msg.removeprefix('Value error, ')}") from None
        fields = set(model.model_fields) - {"type"} if model is not None else ()
        raise ConfigError(f"--vs {vs}: {loc[-1]}: {msg}{did_you_mean(str(loc[-1]), fields)}") from None
    raise ConfigError(f"--vs: unknown player '{vs}'{did_you_mean(kind, [*_SCRIPTED, *names])}; use random, "
                      "mcts[:simulations=N], solver, uci:nodes=N[,elo=E], a model name, or a player name from --config")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """'; did you mean 'mcts'?' for the closest choice, or '' when none is close."""
    close = difflib.get_close_matches(word, sorted(choices), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def play_at_terminal(game_name: str, params: list[str], vs: str, side: str | None, config: str | None,
                     overrides: list[str], prepare: Callable[[Tournament], BackendFor],
                     check_model: Callable[[LLMPlayer, Tournament], None]) -> int:
    """`side`: a seat number or a side name (white, x...); None takes the side that moves first.
    `prepare` brings up the opponent's backend (in-process) and returns its backend_for.
    Returns the exit status: 0 for a game played out, EXIT_ABANDONED after Ctrl-C."""
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
    if why := unplayable(game, models=isinstance(opponent, LLMPlayer)):
        by = "" if unplayable(game, models=False) else " against a model"
        raise ConfigError(f"game: {game.key} cannot be played{by}: {why}; 'arena games' lists the games that can")
    try:
        _check_scripted(opponent, game)
    except ValueError as e:
        raise ConfigError(f"--vs {vs}: {e}") from None
    context = _context(game_name, opponent, base)
    backend_for = None
    if isinstance(opponent, LLMPlayer):
        try:
            check_model(opponent, context)
        except ValueError as e:
            names = [p.display_name for p in base.players] if base is not None else []
            raise ConfigError(f"--vs: {e}{did_you_mean(vs, names)}") from None
        backend_for = prepare(context)
    table = _Table(game, seat)
    print(f"You play seat {seat}{f' ({table.side(seat)})' if game.name in SIDE_NAMES else ''}"
          f"{'; you move first' if first_seat(game) == seat else ''}.")
    seed = random.SystemRandom().randrange(2**62)
    try:
        agents = [table.seat(HumanAgent() if p == seat else make_agent(opponent, game, seed + p, backend_for))
                  for p in range(game.num_players)]
        rngs = [random.Random(seed + p) for p in range(game.num_players)]
        log = asyncio.run(play_episode(game, agents, random.Random(seed), rngs, None, EpisodeLog()))
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not print a traceback over this
        print("\nGame abandoned.", flush=True)
        return EXIT_ABANDONED
    except PlayerFailure as e:
        table.announce()
        print(f"Game abandoned: the opponent could not move ({e}).", file=sys.stderr, flush=True)
        return EXIT_OPPONENT_FAILED
    table.announce()
    final = table.last_state
    if final is not None and final.is_terminal():  # after a forfeit the person saw this board already
        print("\n" + game.renderer.observation(final, seat))
    print(result_line(game, log, seat), flush=True)
    return 0


def result_line(game: Game, log: EpisodeLog, seat: int) -> str:
    """'You won.', 'You lost (forfeit).', 'Draw.'; plus the score where it says more than that
    (poker chips, prisoner's dilemma points), as plain numbers."""
    outcome = outcomes(log.status, log.returns, log.forfeit_seats, game.num_players)[seat]
    words = {"win": "You won", "loss": "You lost", "draw": "Draw"}.get(outcome or "", "Not finished")
    if log.forfeit_seats:
        words += " (forfeit)" if seat in log.forfeit_seats else " (the opponent forfeited)"
    if log.returns and not _win_loss_only(game.spiel):
        others = [p for p in range(game.num_players) if p != seat]
        theirs = [("opponent" if len(others) == 1 else f"player {p}", log.returns[p]) for p in others]
        words += ". Score: " + ", ".join(f"{who} {plain(r)}" for who, r in [("you", log.returns[seat]), *theirs])
    return words + "."


def plain(x: float) -> str:
    """A number as a person writes it: 2 not 2.0, 0.125 not np.float64(0.125)."""
    x = float(x)
    return str(int(x)) if x.is_integer() else repr(round(x, 3))


def _win_loss_only(spiel: pyspiel.Game) -> bool:
    """Whether every result is +1 / -1 / 0, which 'You won' / 'You lost' / 'Draw' already says."""
    return spiel.get_type().utility == pyspiel.GameType.Utility.ZERO_SUM and (spiel.min_utility(), spiel.max_utility()) == (-1, 1)


class _Table:
    """What the person sees besides their own turns: each opponent move said in words
    ('Opponent (O) plays b2'), and the position the game ended in.

    A move is announced only where moves are public: in perfect-information games, and in the
    tailored ones, whose observations show every move anyway (poker bets, matrix choices once
    the round is over). At a simultaneous node the words wait until the person has chosen too.
    """

    def __init__(self, game: Game, human: int) -> None:
        self.game, self.human = game, human
        self.public = game.perfect_information or game.tailored
        self.last_state: pyspiel.State | None = None
        self._pending: list[tuple[int, str]] = []  # (move number, words) not yet shown

    def side(self, seat: int) -> str:
        names = SIDE_NAMES.get(self.game.name)
        return names[seat].capitalize() if names else f"player {seat}"

    def seat(self, agent: Agent) -> Agent:
        return _Seated(self, agent)

    def announce(self, before: int | None = None) -> None:
        """Print the pending words, those of moves numbered below `before` when it is given."""
        due = [words for n, words in self._pending if before is None or n < before]
        self._pending = [(n, words) for n, words in self._pending if before is not None and n >= before]
        for words in due:
            print(words, flush=True)

    def decided(self, turn: Turn, decision: Decision) -> None:
        # play_episode advances one state in place, so the last one handed out ends as the final position.
        self.last_state = turn.state
        if turn.player == self.human:
            self.announce(before=turn.move_number + 1)
        elif self.public and decision.action is not None:
            _, names = move_names(self.game.renderer, turn.state, turn.player)
            words = f"Opponent ({self.side(turn.player)}) plays {dict(names).get(decision.action, decision.action)}"
            self._pending.append((turn.move_number, words))
            if not turn.state.is_simultaneous_node():
                self.announce()


class _Seated:
    """An agent at the table: its decisions go past the table before play goes on."""

    def __init__(self, table: _Table, agent: Agent) -> None:
        self._table, self._agent = table, agent

    async def act(self, turn: Turn) -> Decision:
        if turn.player == self._table.human:
            self._table.announce(before=turn.move_number)  # earlier simultaneous rounds, before the new board
        decision = await self._agent.act(turn)
        # A search on the event loop's thread (MCTS) lets a Ctrl-C in only once it is done: the
        # cancellation it asked for lands here, before the move is announced or played.
        await asyncio.sleep(0)
        self._table.decided(turn, decision)
        return decision


def _check_scripted(opponent: PlayerSpec, game: Game) -> None:
    """The checks a tournament run makes of a solver or engine player, for the one game played here."""
    if isinstance(opponent, SolverPlayer):
        from arena.agents.solver import check_solver

        check_solver(opponent, game)
    if isinstance(opponent, UCIPlayer):
        from arena.agents.uci import check_engine, check_uci

        check_uci(opponent, [GameSpec(name=game.name)])
        check_engine(opponent)


def _context(game_name: str, opponent: PlayerSpec, base: Tournament | None) -> Tournament:
    """The settings a backend needs (models file, provider limits), from --config (`base`) when given."""
    settings = {k: getattr(base, k) for k in ("litellm_models", "vllm_models", "providers", "budget_usd")} if base else {}
    return Tournament(name="play", format="match", games=[GameSpec(name=game_name)],
                      players=[RandomPlayer(type="random", name="you"), opponent], **settings)
