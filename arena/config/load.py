"""The front door of configuration: file -> overrides -> BGA translation -> pydantic -> game checks.

Every failure is a ConfigError whose text is one line naming the key as the user wrote
it, the bad value, and what to do, so a typo fails here and not an hour into a run.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from arena.config.compat import BGA_KEYS, Translated, translate
from arena.config.errors import ConfigError, PlayerOptionError, show
from arena.config.files import MODELS_FILES, resolve
from arena.config.models import (
    GameSpec,
    HumanPlayer,
    LLMPlayer,
    MCTSPlayer,
    PlayerSpec,
    RandomPlayer,
    SolverPlayer,
    Tournament,
    UCIPlayer,
)
from arena.config.overrides import apply_overrides, override_keys
from arena.games.catalog import unplayable
from arena.games.registry import UnknownGame, check_game_name, load_game

PLAYER_TYPES: dict[str, type[BaseModel]] = {"random": RandomPlayer, "mcts": MCTSPlayer, "solver": SolverPlayer,
                                             "uci": UCIPlayer, "human": HumanPlayer, "llm": LLMPlayer}
_EXPECTED = {
    "int_parsing": "an integer", "int_type": "an integer", "int_from_float": "a whole number",
    "float_parsing": "a number", "float_type": "a number", "bool_parsing": "true or false",
    "bool_type": "true or false", "string_type": "a string", "list_type": "a list",
    "dict_type": "a mapping", "model_type": "a mapping of keys", "model_attributes_type": "a mapping of keys",
}
_BOUNDS = {"greater_than": ("gt", ">"), "greater_than_equal": ("ge", ">="), "less_than": ("lt", "<"), "less_than_equal": ("le", "<=")}
_MISSING_HINTS = {
    ("games",): "add games: [{name: tic_tac_toe}] or env_config: {game_name: tic_tac_toe}",
    ("players",): "add players: [...] or agents: {player_0: {...}, player_1: {...}}",
}


PlayerCheck = Callable[[PlayerSpec, Tournament], None]
"""Raises ValueError when a player cannot be used (e.g. no backend for its model); supplied by the CLI."""

Notify = Callable[[str], None]
"""Receives each one-line notice of what loading changed that the file says otherwise (a mode that
turned a random seat into an llm player, say)."""


def to_stderr(line: str) -> None:
    """The default Notify: every command that loads a tournament says what it did, on stderr."""
    print(line, file=sys.stderr)


def load_tournament(path: str | None, overrides: Sequence[str] = (), check_player: PlayerCheck | None = None,
                    notify: Notify | None = to_stderr) -> Tournament:
    """Read a YAML file (or start empty when `path` is None), apply overrides, translate, validate.
    Paths to models files in the file are read against its folder."""
    folder = Path(path).absolute().parent if path else None
    return load_tournament_dict(_read(path) if path else {}, overrides, check_player, folder=folder, notify=notify)


def load_tournament_dict(
    data: dict[str, Any], overrides: Sequence[str] = (), check_player: PlayerCheck | None = None,
    folder: Path | None = None, notify: Notify | None = to_stderr,
) -> Tournament:
    """Validate an already-parsed config; overrides address the keys as written in `data`. Relative
    models-file paths in `data` are read against `folder` (default: the working directory), those
    given in `overrides` against the working directory. Notices go to `notify` once everything
    passed, so a config that fails prints only its error line; None drops them."""
    if not isinstance(data, dict):
        raise ConfigError(f"expected a mapping of keys at the top level, got {show(data)}")
    tr = translate(apply_overrides(data, list(overrides)), override_keys(list(overrides)), data)
    try:
        tournament = Tournament.model_validate(tr.data)
    except ValidationError as e:
        text, path = _one_line(e, tr)
        raise ConfigError(text, path=path) from None
    tournament = _locate_models_files(tournament, data, overrides, folder)
    _check_games(tournament, tr)
    _check_players(tournament, tr, check_player)
    if notify is not None:
        for line in tr.notices:
            notify(line)
    return tournament


def _locate_models_files(t: Tournament, data: dict[str, Any], overrides: Sequence[str],
                         folder: Path | None) -> Tournament:
    """Absolute paths to the models files, each checked to exist: workers and the manifest get these."""
    typed = set(override_keys(list(overrides)))
    update = {}
    for key in MODELS_FILES:
        base = folder if folder is not None and key in data and key not in typed else Path.cwd()
        path = resolve(getattr(t, key), base)
        if not Path(path).is_file():
            against = "the tournament file's folder" if base is folder else "the working directory"
            why = ("the default shipped with the package" if key not in data and key not in typed
                   else f"a relative path is read against {against}")
            raise ConfigError(f"{key}: no such models file {path} ({why}); give the path of an existing file", path=key)
        update[key] = path
    return t.model_copy(update=update)


def _read(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot read the config file ({e.strerror})") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ConfigError(f"{where}: invalid YAML ({problem}); check indentation and quoting on that line") from None
    if data is None:
        raise ConfigError(f"{path}: the config file is empty")
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys at the top level, got {show(data)}")
    return data


def _native_loc(loc: tuple) -> tuple[tuple, bool]:
    """Drop pydantic's union bookkeeping from a location; True when a free-form value was cut short."""
    loc = tuple(loc)
    if len(loc) > 2 and loc[0] == "players" and loc[2] in PLAYER_TYPES:
        loc = loc[:2] + loc[3:]  # discriminator tag
    for i, part in enumerate(loc):
        if part in ("params", "backend_options") and len(loc) > i + 2:
            return loc[: i + 2], True  # member of int|float|bool|str union
    return loc, False


def _one_line(e: ValidationError, tr: Translated) -> tuple[str, str]:
    # A misspelt key also causes a 'missing' error for the right one: report the cause first.
    order = {"extra_forbidden": 0, "union_tag_invalid": 1, "union_tag_not_found": 1}
    errors = sorted(e.errors(), key=lambda err: order.get(err["type"], 2))
    seen = {_native_loc(err["loc"])[0] for err in errors}
    loc, loose = _native_loc(errors[0]["loc"])
    path = tr.user_path(loc)
    text = _describe(errors[0], loc, path, loose, tr)
    if errors[0]["type"].startswith("union_tag"):
        path += ".type"
    elif loc == () and ":" in text:  # model-level checks name their key first, e.g. "mode: ..."
        path = text.split(":", 1)[0]
    if len(seen) > 1:
        text += f" (and {len(seen) - 1} more problem{'s' if len(seen) > 2 else ''})"
    return text, path


def _describe(err: Mapping[str, Any], loc: tuple, path: str, loose: bool, tr: Translated) -> str:
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "extra_forbidden":
        where = tr.user_path(loc[:-1]) or "top level"
        known = _known_keys(loc[:-1], tr)
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = (f"did you mean '{close[0]}'?" if close
                else f"expected one of {', '.join(sorted(known))}" if known else "remove it")
        return f"unknown key '{loc[-1]}' at {where}; {hint}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        got = f"unknown player type {show(ctx.get('tag'))}" if kind == "union_tag_invalid" else "required"
        return f"{path}.type: {got}; expected one of {', '.join(PLAYER_TYPES)}"
    if kind == "missing":
        if loc[-1] == "model" and loc[0] == "players":
            return f"{path}: required for an llm player; set it (e.g. litellm_groq/llama3-8b-8192) or llm_backend.default_model"
        return f"{path}: required; {_MISSING_HINTS.get(loc, 'add it')}"
    if kind == "value_error":
        msg = str(ctx.get("error", err["msg"]))
        if tr.paths.get(("players",)) == "agents" and msg.startswith("players:"):
            msg = "agents:" + msg[len("players:"):]
        return msg if loc == () else f"{path}: {msg}"
    if loose:
        return f"{path}: expected a number, true or false, or a string, got {show(value)}"
    if kind in _EXPECTED:
        return f"{path}: expected {_EXPECTED[kind]}, got {show(value)}"
    if kind == "literal_error":
        return f"{path}: expected one of {ctx.get('expected')}, got {show(value)}"
    if kind in _BOUNDS:
        key, op = _BOUNDS[kind]
        return f"{path}: must be {op} {ctx.get(key)}, got {show(value)}"
    if kind == "too_short":
        return f"{path}: needs at least {ctx.get('min_length')} entry, got {show(value)}"
    if kind == "string_pattern_mismatch":
        return f"{path}: {show(value)} may contain only letters, digits, '_', '.' and '-'"
    return f"{path}: {err['msg']}, got {show(value)}"


def _known_keys(parent: tuple, tr: Translated) -> list[str]:
    if parent == ():
        return sorted(set(Tournament.model_fields) | BGA_KEYS)
    if len(parent) == 2 and parent[0] == "games":
        return list(GameSpec.model_fields)
    if len(parent) == 2 and parent[0] == "players":
        try:
            return list(PLAYER_TYPES[tr.data["players"][parent[1]]["type"]].model_fields)
        except (KeyError, TypeError, IndexError):
            return []
    return []


def _check_games(t: Tournament, tr: Translated) -> None:
    """Load every game with its parameters now, so a bad name or parameter fails before anything runs."""
    for i, g in enumerate(t.games):
        name_path = tr.user_path(("games", i, "name"))
        try:
            check_game_name(g.name)
        except UnknownGame as e:
            raise ConfigError(f"{name_path}: {e}", path=name_path) from None
        try:
            known = load_game(g.name).spiel.get_type().parameter_specification
        except Exception:  # a game that needs parameters to load at all: the full load below judges
            known = {k: None for k in g.params} if g.params else {}
        params_path = tr.user_path(("games", i, "params"))
        for key in g.params:
            if key not in known:
                close = difflib.get_close_matches(key, list(known), n=1)
                hint = f"did you mean '{close[0]}'?" if close else (
                    f"it takes {', '.join(sorted(known))}" if known else "it takes no parameters")
                raise ConfigError(f"unknown parameter '{key}' at {params_path} for game '{g.name}'; {hint}",
                                  path=tr.user_path(("games", i, "params", key)))
        try:
            game = load_game(g.name, g.params)
        except Exception as e:  # OpenSpiel raises several types for bad values
            raise ConfigError(f"{params_path}: {str(e).splitlines()[0]}", path=params_path) from None
        why = unplayable(game, models=any(isinstance(p, LLMPlayer) for p in t.players))
        if why:
            by = "" if unplayable(game, models=False) else " by model players"
            raise ConfigError(f"{name_path}: {g.key} cannot be played{by}: {why}; 'arena games' lists the games that can",
                              path=name_path)
        players_path = tr.user_path(("players",))
        if t.format == "match" and len(t.players) != game.num_players:
            raise ConfigError(f"{players_path}: {len(t.players)} player(s) for '{g.key}', which needs {game.num_players}; "
                              "list exactly that many, in seat order", path=players_path)
        if t.format == "round_robin" and game.num_players != 2:
            raise ConfigError(f"{name_path}: round_robin pairs two players, but '{g.name}' is a {game.num_players}-player "
                              "game; use format: match", path=name_path)


def _check_players(t: Tournament, tr: Translated, check_player: PlayerCheck | None) -> None:
    """Players that cannot play a configured game, or cannot be reached at all, fail now."""
    for i, p in enumerate(t.players):
        path = tr.user_path(("players", i))
        if isinstance(p, MCTSPlayer):
            for g in t.games:
                if load_game(g.name, g.params).simultaneous:
                    raise ConfigError(f"{path}: mcts cannot play simultaneous-move game '{g.name}'; "
                                      "use random or llm players for it", path=path)
        if isinstance(p, SolverPlayer):
            from arena.agents.solver import check_solver  # solves the game: only when a solver plays

            for g in t.games:
                try:
                    check_solver(p, load_game(g.name, g.params))
                except ValueError as e:
                    raise ConfigError(f"{path}: {e}", path=path) from None
        if isinstance(p, UCIPlayer):
            from arena.agents.uci import check_uci

            try:
                check_uci(p, t.games)
            except ValueError as e:
                raise ConfigError(f"{path}: {e}", path=path) from None
        if check_player is None:
            continue
        try:
            check_player(p, t)
        except PlayerOptionError as e:
            key = f"{path}.{e.option}"
            raise ConfigError(f"{key}: {e}", path=key) from None
        except ValueError as e:
            key = f"{path}.model" if isinstance(p, LLMPlayer) else path
            raise ConfigError(f"{key}: {e}", path=key) from None
