"""What makes two runs the same tournament, and how a results folder may grow.

A results folder holds one tournament definition: the settings that decide which
episodes exist and how each is played. Everything else (where results go, how much
runs at once, logging, limits and budgets, serving) may change between runs of the
same definition. A rerun of the same definition resumes. A changed definition is
refused, except for an explicit extension (`arena run --extend`): new players, new
games or more episodes, with every existing player and game unchanged, so every
episode already written stays an episode of the extended tournament.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from arena.config.models import Tournament

DEFINING_FIELDS = ("name", "format", "games", "players", "num_episodes", "episodes_per_pairing", "seed", "max_moves")
_GROWS = ("num_episodes", "episodes_per_pairing")
# Whole key names only: "max_tokens" is a setting, "api_key" a credential.
_SECRET = re.compile(r"(key|token|secret|password|authorization)$", re.I)


def scrub(value: Any) -> Any:
    """Redact any entry whose key names a credential, wherever it is nested."""
    if isinstance(value, dict):
        return {k: ("<redacted>" if _SECRET.search(str(k)) else scrub(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def definition(t: Tournament) -> dict[str, Any]:
    """The defining settings as plain JSON (no credentials); players and games keyed by their identity."""
    d = t.model_dump(mode="json", include=set(DEFINING_FIELDS))
    d.pop("episodes_per_pairing" if t.format == "match" else "num_episodes")  # the other format's count plays no part
    d["players"] = {p.display_name: p.model_dump(mode="json") for p in t.players}
    d["games"] = {g.key: g.model_dump(mode="json") for g in t.games}
    return scrub(d)


def definition_id(d: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:16]


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flat(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: value}


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Human-readable changes from `old` to `new`, e.g. "players.mcts_5.simulations: 5 -> 9"."""
    out = []
    for scope in ("players", "games"):
        for key in new[scope].keys() - old[scope].keys():
            out.append(f"{scope}: added {key}")
        for key in old[scope].keys() - new[scope].keys():
            out.append(f"{scope}: removed {key}")
    a = _flat({k: v for k, v in old.items()})
    b = _flat({k: v for k, v in new.items()})
    added_or_removed = {f"{s}.{k}" for s in ("players", "games") for k in old[s].keys() ^ new[s].keys()}
    for path in sorted(a.keys() | b.keys()):
        if any(path == p or path.startswith(p + ".") for p in added_or_removed):
            continue
        if a.get(path) != b.get(path):
            out.append(f"{path}: {json.dumps(a.get(path))} -> {json.dumps(b.get(path))}")
    return sorted(out, key=lambda line: (not line.split(":")[0] in ("players", "games"), line))


def not_an_extension(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The changes that `--extend` cannot take: anything but added players or games and more episodes."""
    refused = []
    for line in differences(old, new):
        field = line.split(":")[0].split(".")[0]
        if line.startswith(("players: added", "games: added")):
            if new["format"] == "match" and line.startswith("players"):
                refused.append(line + " (a match seats its listed players; new players make a new match)")
            continue
        if field in _GROWS and field in old and field in new and new[field] > old[field]:
            continue
        refused.append(line)
    return refused
