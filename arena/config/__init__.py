"""Typed tournament configuration: models, Board Game Arena key translation, overrides."""

from arena.config.models import (
    GameSpec,
    HumanPlayer,
    LLMPlayer,
    MCTSPlayer,
    PlayerSpec,
    RandomPlayer,
    RatingReference,
    SolverPlayer,
    Tournament,
    UCIPlayer,
)

__all__ = [
    "GameSpec",
    "HumanPlayer",
    "LLMPlayer",
    "MCTSPlayer",
    "PlayerSpec",
    "RandomPlayer",
    "RatingReference",
    "SolverPlayer",
    "Tournament",
    "UCIPlayer",
]
