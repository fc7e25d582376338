"""Board Game Arena: the game-playing domain. Never imports Ray or a network client."""

__version__ = "0.1.0"
