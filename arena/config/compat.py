"""Original Board Game Arena (BGA) configuration keys, translated into ours.

BGA users' files load unchanged; native keys (``name``, ``format``, ``games``,
``players``, ``episodes_per_pairing``, ``output_dir``, ...) pass through, and a file
may mix both. A ``null`` value in a BGA section means "not set".

================================  ==========================================================
BGA key                           ours
================================  ==========================================================
env_config.game_name              games[0].name (BGA names such as matching_pennies kept)
env_config.max_game_rounds        games[0].params.max_game_length on the iterated prisoner's
                                  dilemma (OpenSpiel also has termination_probability, set
                                  it as a plain key); must be null for other games
env_config.<other key>            games[0].params.<key>, an OpenSpiel game parameter
env_configs[i]                    games[i], each entry read like env_config
agents.player_<n>                 players[n], in seat order; format: match unless given
agents.player_<n>.<key>           the same key of that player (type, model, name, ...);
                                  a model on a non-llm player is dropped, as BGA ignored it
mode                              the same key; it also sets the agents' types (below)
num_episodes, seed, log_level     the same keys (log_level upper-cased)
llm_backend.max_tokens,           defaults for llm players that do not set their own
llm_backend.temperature
llm_backend.default_model         model of llm players that name none
llm_backend.inference_backend     accepted: the model name's prefix picks the backend
use_ray, parallel_episodes        accepted (true or false): every run uses Ray and plays
                                  episodes in parallel
(no name)                         name derived from the games and mode, e.g.
                                  tic_tac_toe_llm_vs_random, so runs don't share a folder
================================  ==========================================================

The key ``mode`` also sets the agents' types: see arena/config/modes.py.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, get_args

from pydantic import ValidationError

from arena.config.errors import ConfigError, show
from arena.config.models import Tournament
from arena.config.modes import PLAYER_CLASSES, apply_mode

BGA_KEYS = frozenset({"env_config", "env_configs", "agents", "llm_backend", "use_ray", "parallel_episodes"})
LLM_BACKEND_KEYS = ("max_tokens", "temperature", "default_model", "inference_backend")
# Games whose length BGA's max_game_rounds sets (OpenSpiel parameter max_game_length).
ITERATED_GAMES = frozenset({"prisoners_dilemma", "iterated_prisoners_dilemma", "python_iterated_prisoners_dilemma"})
_SEAT = re.compile(r"player_(\d+)")
_LOG_LEVELS = get_args(Tournament.model_fields["log_level"].annotation)


@dataclass
class Translated:
    """Native-shaped config data, and where each native key came from in the user's file."""

    data: dict[str, Any]
    paths: dict[tuple, str] = field(default_factory=dict)  # native key-path prefix -> user key path
    notices: list[str] = field(default_factory=list)  # what the translation changed that the file says otherwise

    def user_path(self, loc: tuple) -> str:
        """The key as the user wrote it, e.g. ('games', 0, 'name') -> 'env_config.game_name'."""
        for n in range(len(loc), 0, -1):
            if loc[:n] in self.paths:
                return ".".join([self.paths[loc[:n]], *map(str, loc[n:])])
        return ".".join(map(str, loc))


def translate(data: dict[str, Any], typed: Collection[str] = (), file: dict[str, Any] | None = None) -> Translated:
    """Rewrite BGA keys into native ones; a native config comes back unchanged.

    `typed`: the keys given on the command line (``--override``), which win over the file; `file`: the
    config before those overrides (default: `data`), for saying what changed."""
    out = {k: v for k, v in data.items() if k not in BGA_KEYS}
    tr = Translated(out)
    for key in ("use_ray", "parallel_episodes"):
        if key in data and not isinstance(data[key], bool) and data[key] is not None:
            raise ConfigError(f"{key}: expected true or false, got {show(data[key])}", path=key)
    if "env_config" in data or "env_configs" in data:
        out["games"] = _games(data, tr)
    moded = None
    if "agents" in data:
        out["players"] = _agents(data, tr)
        out.setdefault("format", "match")
        keys = [tr.paths[("players", n)] for n in range(len(out["players"]))]
        moded = apply_mode(out, keys, typed, file if file is not None else data)
        _drop_scripted_models(out["players"])
    if data.get("llm_backend") is not None:
        _apply_llm_backend(data["llm_backend"], tr)
    if moded is not None:  # after llm_backend, which may supply the models of seats the mode made llm
        defaults = {n for n in range(len(keys)) if tr.paths.get(("players", n, "model")) == "llm_backend.default_model"}
        tr.notices += moded.finish(out["players"], defaults)
    if "agents" in data:  # after llm_backend, which may supply the models names derive from
        _name_duplicates(out["players"], [tr.paths[("players", n)].split(".")[1] for n in range(len(out["players"]))])
    if isinstance(out.get("log_level"), str) and out["log_level"].upper() in _LOG_LEVELS:
        out["log_level"] = out["log_level"].upper()
    if ("env_config" in data or "env_configs" in data) and "name" not in data:
        out["name"] = _derived_name(out)
    return tr


def _games(data: dict[str, Any], tr: Translated) -> list[Any]:
    if "games" in data:
        raise ConfigError("games: give either games or env_config/env_configs, not both", path="games")
    if data.get("env_config") is not None and data.get("env_configs") is not None:
        raise ConfigError("env_configs: give either env_config (one game) or env_configs (several), not both", path="env_configs")
    if data.get("env_configs") is not None:
        entries = data["env_configs"]
        if not isinstance(entries, list):
            raise ConfigError(f"env_configs: expected a list of games, got {show(entries)}", path="env_configs")
        return [_game(f"env_configs.{i}", e, i, tr) for i, e in enumerate(entries)]
    return [_game("env_config", data.get("env_config"), 0, tr)]


def _game(where: str, entry: Any, i: int, tr: Translated) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected a mapping with game_name, got {show(entry)}", path=where)
    entry = {k: v for k, v in entry.items() if v is not None}
    name = entry.pop("game_name", None)
    if name is None:
        close = difflib.get_close_matches("game_name", list(entry), n=1)
        if close:
            raise ConfigError(f"unknown key '{close[0]}' at {where}; did you mean 'game_name'?", path=f"{where}.{close[0]}")
        raise ConfigError(f"{where}.game_name: required; e.g. game_name: tic_tac_toe", path=f"{where}.game_name")
    rounds = entry.pop("max_game_rounds", None)
    tr.paths[("games", i)] = where
    tr.paths[("games", i, "name")] = f"{where}.game_name"
    tr.paths[("games", i, "params")] = where
    if rounds is not None:
        if name not in ITERATED_GAMES:
            raise ConfigError(
                f"{where}.max_game_rounds: {show(rounds)} applies only to iterated games (prisoners_dilemma); "
                f"set it to null or remove it for '{name}'",
                path=f"{where}.max_game_rounds",
            )
        if "max_game_length" in entry:
            raise ConfigError(f"{where}.max_game_rounds: give max_game_rounds or max_game_length, not both", path=where)
        entry["max_game_length"] = rounds
        tr.paths[("games", i, "params", "max_game_length")] = f"{where}.max_game_rounds"
    return {"name": name, "params": entry}


def _agents(data: dict[str, Any], tr: Translated) -> list[Any]:
    agents = data["agents"]
    if "players" in data:
        raise ConfigError("players: give either players or agents, not both", path="players")
    if not isinstance(agents, dict) or not agents:
        raise ConfigError(f"agents: expected a mapping player_0: {{...}}, player_1: {{...}}, got {show(agents)}", path="agents")
    seats: dict[int, str] = {}
    for key in agents:
        m = _SEAT.fullmatch(str(key))
        if not m:
            raise ConfigError(f"agents.{key}: seats are named player_0, player_1, ...; rename '{key}'", path=f"agents.{key}")
        seats[int(m.group(1))] = str(key)
    missing = [f"player_{n}" for n in range(len(seats)) if n not in seats]
    if missing:
        raise ConfigError(f"agents: seats must be player_0..player_{len(seats) - 1}; {missing[0]} is missing", path="agents")
    tr.paths[("players",)] = "agents"
    players = []
    for n in range(len(seats)):
        key = seats[n]
        entry = agents[key]
        tr.paths[("players", n)] = f"agents.{key}"
        if isinstance(entry, dict):
            entry = {k: v for k, v in entry.items() if v is not None}
        players.append(entry)
    return players


def _drop_scripted_models(players: list[Any]) -> None:
    # BGA writes `model: null` for scripted players and ignores a leftover model on them
    # (e.g. after `--override agents.player_0.type=random`), so both mean "not set" here.
    for p in players:
        if isinstance(p, dict) and p.get("type") != "llm":
            p.pop("model", None)


def _name_duplicates(players: list[Any], seats: list[str]) -> None:
    """BGA allows e.g. random_vs_random; our player names must be unique, so tag repeats with the seat."""
    names: list[str | None] = []
    for p in players:
        try:
            names.append(None if not isinstance(p, dict) or "name" in p
                         else PLAYER_CLASSES[p.get("type")].model_validate(p).display_name)
        except (KeyError, ValidationError):
            names.append(None)  # invalid entries fail later with a proper message
    for p, seat, name in zip(players, seats, names, strict=True):
        if name is not None and names.count(name) > 1:
            p["name"] = f"{name}@{seat}"


def _apply_llm_backend(backend: Any, tr: Translated) -> None:
    if not isinstance(backend, dict):
        raise ConfigError(f"llm_backend: expected a mapping, got {show(backend)}", path="llm_backend")
    for key in backend:
        if key not in LLM_BACKEND_KEYS:
            close = difflib.get_close_matches(str(key), LLM_BACKEND_KEYS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"expected one of {', '.join(LLM_BACKEND_KEYS)}"
            raise ConfigError(f"unknown key '{key}' at llm_backend; {hint}", path=f"llm_backend.{key}")
    defaults = {"max_tokens": "max_tokens", "temperature": "temperature", "default_model": "model"}
    players = tr.data.get("players")
    for i, p in enumerate(players if isinstance(players, list) else []):
        if not isinstance(p, dict) or p.get("type") != "llm":
            continue
        for src, dst in defaults.items():
            if backend.get(src) is not None and dst not in p:
                p[dst] = backend[src]
                tr.paths[("players", i, dst)] = f"llm_backend.{src}"


def _derived_name(out: dict[str, Any]) -> str:
    games = out.get("games") or []
    parts = ["-".join(str(g.get("name")) for g in games if isinstance(g, dict))]
    if isinstance(out.get("mode"), str):
        parts.append(out["mode"])
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", "_".join(p for p in parts if p))[:100]
    return name or "tournament"
