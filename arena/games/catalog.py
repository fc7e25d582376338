"""Which games can be played as named, and why the others cannot.

OpenSpiel registers games the episode loop cannot play as named: mean-field games (a
population, not seats), game transforms that need the game they transform, games whose
default parameters point at files that are not there, games whose moves are not plain
actions. Each game is checked cheaply (about half a second for all of them): its type, a
load with default parameters, and the first decision rendered as a player would see it.
The answer is kept in the user's cache folder under a fingerprint of OpenSpiel and of this
package's games code, so `arena games` pays for the check once per change of either.
tests/arena/games/test_catalog.py plays an episode of every game listed as playable, so
the check cannot drift from what really plays.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import asdict, dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

import pyspiel

from arena.cache import cache_file, read_json, write_json
from arena.games.base import Game
from arena.games.registry import TAILORED, UnknownGame, available_games, load_game, spiel_type
from arena.games.spiel_stderr import openspiel_quiet

_PLAYED = (pyspiel.GameType.Dynamics.SEQUENTIAL, pyspiel.GameType.Dynamics.SIMULTANEOUS)
# Failures the cheap check cannot see, found by playing every game with model players
# (tests/arena/games/test_catalog.py checks that each still happens, so a fix relists the game).
KNOWN_ISSUES: dict[str, str] = {}
"""Game name -> why model players may not play it although scripted ones can. Empty: crazyhouse, which
OpenSpiel crashes naming a move that is not legal, was here until the generic renderer stopped naming the
illegal moves of games on the chess board (generic.CHESS_BOARD_GAMES)."""
_CHANCE_STEPS = 10_000  # a deal of every card in the deck is a few hundred chance steps
_LONGEST_SHOWN = 40


@dataclass(frozen=True)
class CatalogEntry:
    name: str  # as a tournament or `arena play` names it
    tailored: bool
    players: int  # with the default parameters; 0 where the game does not load with them
    min_players: int
    max_players: int
    params: tuple[tuple[str, object], ...]  # (name, default)
    why_not: str = ""  # empty when the game plays as named

    @property
    def playable(self) -> bool:
        return not self.why_not

    @property
    def players_text(self) -> str:
        if self.min_players == self.max_players or not self.players:
            return str(self.players or self.max_players)
        return f"{self.players} ({self.min_players}-{self.max_players})"

    @property
    def params_text(self) -> str:
        return ", ".join(f"{k}={_show(v)}" for k, v in self.params)


def _show(value: object) -> str:
    """A default as `-p KEY=VALUE` would take it back: strings with spaces (or none) quoted; a
    long one (a whole grid) only by its length, or it would fill the screen."""
    if isinstance(value, str) and len(value) > _LONGEST_SHOWN:
        return f"({len(value)} characters)"
    if isinstance(value, str) and (not value or re.search(r"[\s,=]", value)):
        return repr(value)
    return str(value)


@cache
def catalog() -> tuple[CatalogEntry, ...]:
    """Every game the registry knows, tailored ones first, each checked."""
    path = _cache_file()
    kept = read_json(path)
    try:
        if kept:
            return tuple(_from_json(row) for row in kept)
    except (TypeError, KeyError):  # not one this code wrote
        pass
    # A listing is no place for what games print as they load ('quoridor has known issues'):
    # that is for whoever plays them.
    with openspiel_quiet(keep_other_output=False):
        entries = tuple(_check(name, tailored) for name, tailored in available_games())
    write_json(path, [asdict(e) for e in entries], replaces="games-*.json")  # older code's or OpenSpiel's answers go
    return entries


def _cache_file() -> Path | None:
    """Named by everything the answer depends on: the OpenSpiel build and arena/games/ itself;
    None without a home folder to keep it in."""
    digest = hashlib.sha256()
    spiel = Path(pyspiel.__file__)
    digest.update(f"{spiel}:{spiel.stat().st_size}:{spiel.stat().st_mtime_ns}".encode())
    try:
        digest.update(metadata.version("open_spiel").encode())  # its Python games change with it
    except metadata.PackageNotFoundError:
        pass
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    return cache_file(f"games-{digest.hexdigest()[:16]}.json")


def _from_json(row: dict) -> CatalogEntry:
    return CatalogEntry(**{**row, "params": tuple((k, v) for k, v in row["params"])})


def playable() -> list[CatalogEntry]:
    """The games that play as named, tailored ones first."""
    return [g for g in catalog() if g.playable]


def _check(name: str, tailored: bool) -> CatalogEntry:
    entry = TAILORED.get(name)
    game_type = spiel_type(entry.spiel_name if entry else name)
    params = {**dict(game_type.parameter_specification), **dict(entry.default_params if entry else ())}
    row = CatalogEntry(name, tailored, 0, game_type.min_num_players, game_type.max_num_players, tuple(params.items()))
    if game_type.dynamics == pyspiel.GameType.Dynamics.MEAN_FIELD:
        return _refused(row, "mean-field game: its players are a population, not seats")
    if game_type.dynamics not in _PLAYED:
        return _refused(row, f"{game_type.dynamics.name.lower()} dynamics are not supported")
    try:
        game = load_game(name)
    except UnknownGame as e:
        return _refused(row, _load_failure(e.__cause__ or e))
    except Exception as e:  # noqa: BLE001 - a Python game may raise anything
        return _refused(row, _load_failure(e))
    row = CatalogEntry(name, tailored, game.num_players, row.min_players, row.max_players, row.params)
    return _refused(row, unplayable(game))


def unplayable(game: Game, models: bool = True) -> str:
    """Why `game` (with its parameters) cannot be played, or '' when it can; `models`: model players take
    part, which some games cannot stand (KNOWN_ISSUES). A tournament or `arena play` asks before playing."""
    known = KNOWN_ISSUES.get(game.name, "") if models else ""
    return known or _first_decision_fails(game)


def _refused(row: CatalogEntry, why: str) -> CatalogEntry:
    return CatalogEntry(row.name, row.tailored, row.players, row.min_players, row.max_players, row.params, why)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    # OpenSpiel prefixes its source location (/path/game.cc:123): no help to a user.
    return re.sub(r"^\S+\.(cc|h):\d+\s+", "", text[0]) if text else type(error).__name__


def _load_failure(error: BaseException) -> str:
    message = _first_line(error)
    missing = re.fullmatch(r"Missing parameter (\S+)", message)
    if missing:
        return f"needs parameter '{missing[1]}'"
    return f"does not load with its default parameters ({message})"


def _first_decision_fails(game: Game) -> str:
    """Why the first decision cannot be shown to its players, or '' when it can."""
    game_type = game.spiel.get_type()
    hidden = game_type.information != pyspiel.GameType.Information.PERFECT_INFORMATION
    if not game.tailored and hidden and not (game_type.provides_observation_string
                                             or game_type.provides_information_state_string):
        return "no per-player observation: the only text of a state shows every player's hidden information"
    try:
        with openspiel_quiet():  # the reason below says it in one line
            state, rng = game.spiel.new_initial_state(), random.Random(0)
            for _ in range(_CHANCE_STEPS):  # sampled as an episode samples: some fixed outcomes end a game at once
                if not state.is_chance_node():
                    break
                actions, probs = zip(*state.chance_outcomes(), strict=True)
                state.apply_action(rng.choices(actions, probs)[0])
            if state.is_terminal():
                return "ends before any player moves"
            seats = range(game.num_players) if state.is_simultaneous_node() else [state.current_player()]
            if any(p < 0 for p in seats):
                return f"no player to move at its start (current player {state.current_player()})"
            game.renderer.rules(game.spiel)
            for seat in seats:
                game.renderer.observation(state, seat)
                if not game.renderer.legal_moves(state, seat):
                    return f"player {seat} has no legal move at the first decision"
    except Exception as e:  # noqa: BLE001 - pyspiel raises SpielError, RuntimeError, ...
        return f"fails at its first decision: {_first_line(e)}"
    return ""


def listing(show_all: bool = False) -> list[str]:
    """`arena games` lines: the playable games, then (`show_all`) the others and why not."""
    entries = catalog()
    width = max(len("not playable as named"), *(len(g.name) for g in entries)) + 2
    rows = [("game", "players", "renderer", "parameters (name=default)")]
    rows += [(g.name, g.players_text, "tailored" if g.tailored else "generic", g.params_text)
             for g in entries if g.playable]
    widths = [max(len(r[i]) for r in rows) + 2 for i in range(3)]
    widths[0] = width
    lines = ["".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + r[3] for r in rows]
    if show_all:
        lines += ["", "not playable as named".ljust(width) + "why"]
        lines += [g.name.ljust(width) + g.why_not for g in entries if not g.playable]
    return [line.rstrip() for line in lines]
