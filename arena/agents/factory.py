"""Build the agent for one seat of one episode from its player spec."""

from __future__ import annotations

from collections.abc import Callable

from arena.agents.base import Agent
from arena.agents.random_agent import RandomAgent
from arena.chat import ChatBackend
from arena.config.models import HumanPlayer, LLMPlayer, MCTSPlayer, PlayerSpec, RandomPlayer, SolverPlayer, UCIPlayer
from arena.games.base import Game

BackendFor = Callable[[LLMPlayer], ChatBackend]
"""Gives the chat backend of an LLM player; supplied by the caller so `arena` never imports backends."""

_RANDOM = RandomAgent()  # stateless: its rng arrives with every turn


def make_agent(spec: PlayerSpec, game: Game, seed: int, backend_for: BackendFor | None = None) -> Agent:
    if isinstance(spec, RandomPlayer):
        return _RANDOM
    if isinstance(spec, MCTSPlayer):
        from arena.agents.mcts import MCTSAgent

        return MCTSAgent(spec, game, seed)
    if isinstance(spec, SolverPlayer):
        from arena.agents.solver import SolverAgent

        return SolverAgent(spec, game)
    if isinstance(spec, UCIPlayer):
        from arena.agents.uci import UCIAgent

        return UCIAgent(spec, game)
    if isinstance(spec, LLMPlayer):
        if backend_for is None:
            raise ValueError(f"player '{spec.display_name}' needs a model backend, and none was given")
        from arena.agents.llm import LLMAgent

        return LLMAgent(spec, backend_for(spec))
    if isinstance(spec, HumanPlayer):
        from arena.agents.human import HumanAgent

        return HumanAgent()
    raise TypeError(f"unknown player spec {spec!r}")
