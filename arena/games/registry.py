"""One registry: arena game names -> OpenSpiel names and renderers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import pyspiel

from arena.games.base import Game, Renderer
from arena.games.chess import ChessRenderer
from arena.games.connect_four import ConnectFourRenderer
from arena.games.generic import GenericRenderer
from arena.games.hex import HexRenderer
from arena.games.kuhn_poker import KuhnPokerRenderer
from arena.games.matrix import MatchingPenniesRenderer, MatrixPDRenderer, RockPaperScissorsRenderer
from arena.games.prisoners_dilemma import PrisonersDilemmaRenderer
from arena.games.spiel_stderr import openspiel_quiet
from arena.games.tic_tac_toe import TicTacToeRenderer


@dataclass(frozen=True)
class GameEntry:
    spiel_name: str
    renderer: type
    default_params: tuple[tuple[str, object], ...] = ()


# Tailored games register here; everything else OpenSpiel knows uses GenericRenderer.
TAILORED: dict[str, GameEntry] = {
    "tic_tac_toe": GameEntry("tic_tac_toe", TicTacToeRenderer),
    "connect_four": GameEntry("connect_four", ConnectFourRenderer),
    "kuhn_poker": GameEntry("kuhn_poker", KuhnPokerRenderer),
    "prisoners_dilemma": GameEntry("python_iterated_prisoners_dilemma", PrisonersDilemmaRenderer),
    "matrix_pd": GameEntry("matrix_pd", MatrixPDRenderer),
    "matching_pennies": GameEntry("matrix_mp", MatchingPenniesRenderer),
    "matrix_rps": GameEntry("matrix_rps", RockPaperScissorsRenderer),
    "hex": GameEntry("hex", HexRenderer),
    "chess": GameEntry("chess", ChessRenderer),
}


def _register_python_games() -> None:
    # Registers OpenSpiel's Python games (e.g. python_iterated_prisoners_dilemma).
    import open_spiel.python.games  # noqa: F401


class UnknownGame(ValueError):
    pass


@cache
def _spiel_names() -> frozenset[str]:
    _register_python_games()
    return frozenset(pyspiel.registered_names())


def available_games() -> list[tuple[str, bool]]:
    """(name, has tailored renderer) for every game name, tailored first. Not all of them play
    as named: arena.games.catalog says which do."""
    tailored = sorted(TAILORED)
    hidden = {e.spiel_name for e in TAILORED.values()}
    others = sorted(n for n in _spiel_names() if n not in TAILORED and n not in hidden)
    return [(n, True) for n in tailored] + [(n, False) for n in others]


def check_game_name(name: str) -> None:
    if name in TAILORED or name in _spiel_names():
        return
    import difflib

    close = difflib.get_close_matches(name, list(TAILORED) + sorted(_spiel_names()), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else "; run 'arena games' for the list"
    raise UnknownGame(f"unknown game '{name}'{hint}")


@cache
def _spiel_types() -> dict[str, pyspiel.GameType]:
    _register_python_games()
    return {game_type.short_name: game_type for game_type in pyspiel.registered_games()}


def spiel_type(spiel_name: str) -> pyspiel.GameType:
    """OpenSpiel's description of a game (dynamics, players, parameters), without loading it."""
    return _spiel_types()[spiel_name]


def _param_defaults(spiel_name: str) -> dict[str, object]:
    game_type = _spiel_types().get(spiel_name)
    return dict(game_type.parameter_specification) if game_type else {}


def _coerce(spiel_name: str, params: dict) -> dict:
    """YAML reads `termination_probability: 0` as an int, which OpenSpiel rejects for a
    float parameter; widen ints where the game declares a float."""
    defaults = _param_defaults(spiel_name)
    return {
        k: float(v) if isinstance(defaults.get(k), float) and isinstance(v, int) and not isinstance(v, bool) else v
        for k, v in params.items()
    }


def load_game(name: str, params: dict | None = None) -> Game:
    """Load a game by arena name (or any OpenSpiel name) with parameters passed to OpenSpiel."""
    entry = TAILORED.get(name)
    params = _coerce(entry.spiel_name if entry else name, dict(params or {}))
    return _load_cached(name, tuple(sorted(params.items())))


@lru_cache(maxsize=256)
def _load_cached(name: str, params: tuple) -> Game:
    check_game_name(name)
    entry = TAILORED.get(name)
    spiel_params = dict(entry.default_params) if entry else {}
    spiel_params.update(dict(params))
    spiel_name = entry.spiel_name if entry else name
    if spiel_type(spiel_name).dynamics == pyspiel.GameType.Dynamics.MEAN_FIELD:
        raise UnknownGame(f"game '{name}' is a mean-field game (a population, not seats), which no episode can play; "
                          "run 'arena games' for those that can")
    try:
        with openspiel_quiet():  # the error below says it in one line
            spiel_game = pyspiel.load_game(spiel_name, spiel_params)
    except pyspiel.SpielError as e:
        raise UnknownGame(f"game '{name}' rejected parameters {dict(params)}: {str(e).splitlines()[0]}") from e
    renderer: Renderer = entry.renderer() if entry else GenericRenderer()
    inner = ",".join(f"{k}={v}" for k, v in params)
    key = f"{name}({inner})" if inner else name
    return Game(name=name, key=key, spiel=spiel_game, renderer=renderer, tailored=entry is not None)
