"""Chess move quality against Stockfish: centipawn loss, lichess accuracy and lichess's judgements.

Each position of an episode is searched once, to a fixed depth (12 by default) or node count, on one
thread. The hash and search histories are cleared at the start of every episode (not before every
search: the positions of one game help each other's searches, about 1.6 times faster), so an
episode's verdicts depend on that episode alone, whatever else the engine judged before. The search of the position after a
move is also the "before" of the opponent's next decision, so an episode of n decisions costs n + 1
searches. A position OpenSpiel ends (mate, stalemate, repetition, fifty moves) is not searched: it
is worth its result. Values are centipawns for the mover, a mate counting as ±cp_cap; see lichess.py
for the accuracy and the judgements.
"""

from __future__ import annotations

import json
from typing import Any

import chess
import chess.engine
import pandas as pd

from arena.agents.uci import board_of
from arena.agents.uci_engines import INSTALL_HINT, START_TIMEOUT_S, engine_path
from arena.games.base import Game
from arena.quality.base import Episode, decisions, row
from arena.quality.lichess import Eval, judgement, move_accuracy, win_percent
from arena.quality.per_decision import PerRow, summarise_decisions

_MATE = 1_000_000  # python-chess's stand-in for a mate; anything beyond any cap


class StockfishEvaluator:
    """Judges every chess decision with a UCI engine it starts on first use; close it when done."""

    name = "stockfish"

    def __init__(self, engine: str = "stockfish", depth: int | None = 12, nodes: int | None = None,
                 cp_cap: int = 1000) -> None:
        if (depth is None) == (nodes is None):
            raise ValueError("give one search limit: depth or nodes")
        self.engine, self.depth, self.nodes, self.cp_cap = engine, depth, nodes, cp_cap
        self._limit = chess.engine.Limit(depth=depth) if nodes is None else chess.engine.Limit(nodes=nodes)
        self._uci: chess.engine.SimpleEngine | None = None

    def __enter__(self) -> StockfishEvaluator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._uci is not None:
            try:
                self._uci.quit()
            except (chess.engine.EngineError, TimeoutError):
                self._uci.close()
            self._uci = None

    def _engine(self) -> chess.engine.SimpleEngine:
        if self._uci is None:
            path = engine_path(self.engine)
            if path is None:
                raise RuntimeError(f"chess engine '{self.engine}' not found; {INSTALL_HINT}")
            self._uci = chess.engine.SimpleEngine.popen_uci(path, timeout=START_TIMEOUT_S)
            self._uci.configure({"Threads": 1})
        return self._uci

    def check(self) -> None:
        """Start the engine now: a missing or broken engine is one line before any task runs."""
        self._engine()

    def settings(self) -> dict[str, Any]:
        # The engine command, not the name it reports: a summary (the report) selects rows by these settings
        # on machines without the engine; the reported name and version go in each row's note.
        return {"engine": self.engine, "depth": self.depth, "nodes": self.nodes, "cp_cap": self.cp_cap}

    def evaluate(self, game: Game, episode: Episode) -> list[dict[str, Any]]:
        if game.name != "chess":
            raise ValueError(f"the stockfish evaluator judges chess, not {game.name}")
        settings = json.dumps(self.settings(), sort_keys=True)
        chess960 = bool(game.spiel.get_parameters().get("chess960", False))
        out: list[dict[str, Any]] = []
        board: chess.Board | None = None
        ahead: tuple[Eval, chess.Move | None] | None = None  # the search of the current position, if made
        new_game = object()  # python-chess sends ucinewgame when this changes
        for d in decisions(game, episode):
            if board is None:
                board = board_of(d.state, chess960)
            before, best = ahead if ahead is not None else self._search(board, new_game)
            move = board.parse_san(d.state.action_to_string(d.seat, d.action))
            note = f"{self._engine().id.get('name', self.engine)}: {board.san(best)}" if best is not None else None
            board.push(move)
            child = d.state.child(d.action)
            if child.is_terminal():
                after, ahead = _result(child.returns()[d.seat]), None
            else:
                opponent, reply = self._search(board, new_game)
                after, ahead = _flip(opponent), (opponent, reply)
            out.append(row(episode, d, self.name, settings, **self._judge(before, after, move == best), note=note))
        return out

    def _search(self, board: chess.Board, game: object) -> tuple[Eval, chess.Move | None]:
        """The evaluation for the side to move and the engine's best move."""
        info = self._engine().analyse(board, self._limit, game=game)
        score = info["score"].pov(board.turn)
        pv = info.get("pv")
        best = pv[0] if pv else None
        mate = score.mate()
        if mate is not None:
            return Eval(mate=mate if mate != 0 else -1), best
        return Eval(cp=score.score()), best

    def _judge(self, before: Eval, after: Eval, engine_move: bool) -> dict[str, Any]:
        best_value, value = before.capped(self.cp_cap), after.capped(self.cp_cap)
        loss = min(self.cp_cap, max(0, best_value - value))
        optimal = engine_move or loss == 0
        accuracy = move_accuracy(win_percent(best_value), win_percent(value))
        category = "best" if optimal else judgement(before, after) or "good"
        return {"value": float(value), "best_value": float(best_value), "loss": float(loss), "optimal": optimal,
                "category": category, "accuracy": accuracy}

    def summarise(self, rows: pd.DataFrame, *, rounds: int, seed: int, level: float) -> list[dict[str, Any]]:
        return summarise_decisions(rows, self.name, {
            "acpl": lambda r: r["loss"], "accuracy_pct": lambda r: r["accuracy"],
            "inaccuracies_per_100": _per_100("inaccuracy"), "mistakes_per_100": _per_100("mistake"),
            "blunders_per_100": _per_100("blunder"),
        }, rounds=rounds, seed=seed, level=level)


def _flip(e: Eval) -> Eval:
    """The same evaluation for the other side."""
    return Eval(mate=-e.mate) if e.mate is not None else Eval(cp=-(e.cp or 0))


def _result(mover_return: float) -> Eval:
    """A finished game for the player who just moved: mate given, or a draw."""
    return Eval(mate=1) if mover_return > 0 else Eval(mate=-1) if mover_return < 0 else Eval(cp=0)


def _per_100(category: str) -> PerRow:
    return lambda r: 100 * (r["category"] == category)
