"""`--override KEY=VALUE` pairs applied to the raw configuration dict.

Overrides address keys as the user wrote them in the file (Board Game Arena keys such
as ``env_config.game_name`` included), so they are applied before any translation.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml

from arena.config.errors import ConfigError


def parse_value(text: str) -> Any:
    """The value as YAML reads it: `1` is an int, `true` a bool, `[1,2]` a list, `foo` a string."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        # An unbalanced bracket or a stray colon is far likelier a plain string than a typo
        # worth stopping for; pydantic still checks the type where one is expected.
        return text


def override_keys(overrides: list[str] | tuple[str, ...]) -> list[str]:
    """The keys the pairs set, as typed: ['mode', 'agents.player_1.model'] for mode=... agents.player_1.model=..."""
    return [pair.partition("=")[0].strip() for pair in overrides]


def apply_overrides(data: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """A copy of `data` with every `a.b.c=value` pair applied in order (a later pair wins)."""
    out = copy.deepcopy(data)
    for pair in overrides:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ConfigError(f"override '{pair}': expected KEY=VALUE, e.g. num_episodes=3 or env_config.game_name=connect_four")
        _set(out, key, parse_value(raw.strip()), pair)
    return out


def _set(root: dict[str, Any], key: str, value: Any, pair: str) -> None:
    parts = key.split(".")
    if any(not p for p in parts):
        raise ConfigError(f"override '{pair}': empty segment in key '{key}'")
    node: Any = root
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        where = ".".join(parts[:i]) or "top level"
        if isinstance(node, dict):
            if last:
                node[part] = value
            else:
                if node.get(part) is None:  # `env_config: null` in a file still takes `env_config.x=...`
                    node[part] = {}
                node = node[part]
        elif isinstance(node, list):
            if not part.isdigit() or int(part) > len(node):
                raise ConfigError(
                    f"override '{pair}': '{where}' is a list of {len(node)}; use an index 0..{len(node)} (the last appends)"
                )
            index = int(part)
            if index == len(node):
                node.append(value if last else {})
            elif last:
                node[index] = value
            node = node[index]
        else:
            raise ConfigError(f"override '{pair}': '{where}' is {node!r}, not a mapping or list, so it has no key '{part}'")
