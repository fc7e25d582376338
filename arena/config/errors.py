"""The one error type of configuration loading: a single line a user can act on."""

from __future__ import annotations


class ConfigError(ValueError):
    """A configuration problem, phrased as one line: key path, bad value, what to do.

    `path` is the key as the user wrote it (e.g. ``agents.player_0.model``), empty when
    the problem is with the file itself. Newlines are folded so a CLI can print it as is.
    """

    def __init__(self, message: str, *, path: str = "") -> None:
        self.path = path
        super().__init__(" ".join(line.strip() for line in message.splitlines()))


def show(value: object) -> str:
    """Quote a bad value the way it was typed: strings in single quotes, the rest as YAML would show it."""
    if isinstance(value, str):
        return f"'{value}'"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class PlayerOptionError(ValueError):
    """A player setting that its backend cannot honour, raised by a player check.

    `option` is the key under the player (``constrain_moves``, ``backend_options.latency_ms``),
    so the loader can point at it as the user wrote it (``agents.player_0.constrain_moves``).
    """

    def __init__(self, option: str, message: str) -> None:
        self.option = option
        super().__init__(message)
