"""The game a quality row belongs to, loaded again from its `game_key` (name plus parameters)."""

from __future__ import annotations

from arena.games.base import Game
from arena.games.registry import load_game


def load_game_key(game_key: str) -> Game:
    """The game `game_key` names, e.g. `leduc_poker` or `kuhn_poker(players=3)`, as `load_game` made it."""
    name, _, inner = game_key.partition("(")
    params = {}
    for pair in filter(None, inner.removesuffix(")").split(",")):
        key, _, text = pair.partition("=")
        params[key] = _value(text)
    return load_game(name, params)


def _value(text: str) -> object:
    """A parameter as `Game.key` wrote it with str(): bool, int, float or text."""
    if text in ("True", "False"):
        return text == "True"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text
