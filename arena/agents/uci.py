"""A chess engine speaking UCI (Stockfish by default) as a reference player.

The engine sees the game as a python-chess board that follows the episode's whole move history,
so it knows about repetitions and the fifty-move rule; its move goes back to OpenSpiel in SAN.
Strength: `elo` sets UCI_LimitStrength and UCI_Elo, `skill` sets "Skill Level"; the search stops
after `nodes` nodes or `movetime_ms` milliseconds, on one thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import chess
import chess.engine
import pyspiel

from arena.agents.base import Attempt, Decision, PlayerFailure, Turn
from arena.agents.uci_engines import (
    INSTALL_HINT,
    START_TIMEOUT_S,
    EngineUnavailable,
    engine_path,
    one_line,
    play,
)
from arena.chat import ErrorClass
from arena.config.models import GameSpec, UCIPlayer
from arena.games.base import Game
from arena.games.chess import san_history

CHESS_GAMES = ("chess",)


def engine_options(spec: UCIPlayer) -> dict[str, Any]:
    """The UCI options a player's engine is configured with."""
    options: dict[str, Any] = {"Threads": 1}
    if spec.elo is not None:
        options.update({"UCI_LimitStrength": True, "UCI_Elo": spec.elo})
    if spec.skill is not None:
        options["Skill Level"] = spec.skill
    options.update(spec.options)
    return options


def search_limit(spec: UCIPlayer) -> chess.engine.Limit:
    if spec.nodes is not None:
        return chess.engine.Limit(nodes=spec.nodes)
    assert spec.movetime_ms is not None  # the spec demands exactly one limit
    return chess.engine.Limit(time=spec.movetime_ms / 1000)


def board_of(state: pyspiel.State, chess960: bool = False) -> chess.Board:
    """The python-chess board of an OpenSpiel chess state, with its move stack."""
    start, sans = san_history(state)
    board = chess.Board(start, chess960=chess960)
    for san in sans:
        board.push_san(san)
    return board


class BoardTracker:
    """Follows one episode's OpenSpiel state as a python-chess board, a few moves at a time: rebuilding the
    board from the whole history before every move would cost O(moves) each time (25 ms at move 200)."""

    def __init__(self, chess960: bool) -> None:
        self._chess960 = chess960
        self._replay: pyspiel.State | None = None
        self._board = chess.Board()

    def board(self, state: pyspiel.State) -> chess.Board:
        history = state.history()
        done = self._replay.history() if self._replay is not None else []
        if self._replay is None or history[:len(done)] != done:
            self._replay, done = state.get_game().new_initial_state(), []
            self._board = chess.Board(str(self._replay), chess960=self._chess960)
        for action in history[len(done):]:
            if self._replay.is_chance_node():  # chess960 draws its start position first
                self._replay.apply_action(action)
                self._board = chess.Board(str(self._replay), chess960=self._chess960)
                continue
            self._board.push_san(self._replay.action_to_string(self._replay.current_player(), action))
            self._replay.apply_action(action)
        return self._board.copy()


def check_uci(spec: UCIPlayer, games: Sequence[GameSpec]) -> None:
    """Raise ValueError (one line) when `spec` cannot play `games`: a game other than chess."""
    others = sorted({g.name for g in games} - set(CHESS_GAMES))
    if others:
        raise ValueError(f"uci players play chess only, not {', '.join(others)}; "
                         "play those games in a tournament without this player")


def check_engine(spec: UCIPlayer) -> None:
    """Raise ValueError (one line) when this machine has no engine binary for `spec`, or the engine
    refuses its options. Checked where the tournament runs, not where it is submitted from."""
    path = engine_path(spec.engine)
    if path is None:
        raise ValueError(f"chess engine '{spec.engine}' not found; {INSTALL_HINT}")
    try:
        with chess.engine.SimpleEngine.popen_uci(path, timeout=START_TIMEOUT_S) as engine:
            engine.configure(engine_options(spec))
    except (OSError, chess.engine.EngineError, TimeoutError) as e:
        raise ValueError(f"chess engine '{spec.engine}': {one_line(e)}") from None


class UCIAgent:
    def __init__(self, spec: UCIPlayer, game: Game):
        if game.name not in CHESS_GAMES:
            raise ValueError(f"player '{spec.display_name}': uci players play chess only, not '{game.name}'")
        self._spec = spec
        self._key = spec.model_dump_json()
        self._options = engine_options(spec)
        self._limit = search_limit(spec)
        self._boards = BoardTracker(bool(game.spiel.get_parameters().get("chess960", False)))

    async def act(self, turn: Turn) -> Decision:
        board = self._boards.board(turn.state)
        try:
            move = await play(self._key, turn.player, self._spec.engine, self._options, board, self._limit)
        except (EngineUnavailable, chess.engine.EngineError) as e:  # EngineError: it broke the protocol
            message = one_line(e)
            attempt = Attempt(action=None, legal=False, error=message, error_class=ErrorClass.FATAL.value)
            raise PlayerFailure(ErrorClass.FATAL, message, [attempt]) from None
        san = board.san(move)
        action = turn.state.string_to_action(san)
        return Decision(action, [Attempt(action=action, raw_response=move.uci())])
