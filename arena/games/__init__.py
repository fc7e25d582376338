"""Games: OpenSpiel loading, per-game renderers, one registry."""

from arena.games.base import Game, Renderer
from arena.games.registry import available_games, load_game

__all__ = ["Game", "Renderer", "available_games", "load_game"]
