"""What every evaluator shares: the quality table's columns, the replay of an episode's decisions,
the evaluator interface, and the long format of the per-player summary.

An evaluator sees each decision with the position it was taken in. Positions are rebuilt by
replaying the recorded moves: chance events are drawn again from `random.Random(seed)` exactly as
the episode loop drew them, so the replay reaches the very states the players saw.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd
import pyarrow as pa
import pyspiel

from arena.games.base import Game

QUALITY = pa.schema([
    ("episode_id", pa.string()),
    ("play_id", pa.string()),
    ("tournament", pa.string()),
    ("game", pa.string()),
    ("game_key", pa.string()),
    ("move_number", pa.int32()),
    ("seat", pa.int8()),
    ("player", pa.string()),
    ("model", pa.string()),  # null for scripted players
    ("evaluator", pa.string()),  # e.g. solver, stockfish, policy
    ("settings", pa.string()),  # JSON of the evaluator's settings (engine, depth or nodes, limits)
    ("action", pa.int64()),
    ("fallback", pa.bool_()),  # the arena, not the player, chose this move: never credited to the player
    ("value", pa.float64()),  # value of the chosen move for the mover (solver: game value; chess: centipawns after)
    ("best_value", pa.float64()),  # value of the best legal move for the mover
    ("loss", pa.float64()),  # best_value - value, never negative (chess: capped centipawn loss)
    ("optimal", pa.bool_()),  # the chosen move was among the best
    ("category", pa.string()),  # best | good | inaccuracy | mistake | blunder; null where the evaluator has none
    ("accuracy", pa.float64()),  # chess: lichess move accuracy in percent; else null
    ("move_values", pa.string()),  # JSON {action label: value} of every legal move, where the evaluator has them
    ("info_state", pa.string()),  # imperfect-information games: the mover's information state
    ("note", pa.string()),
])
"""The quality table: one row per decision, keyed like moves (episode_id, play_id, move_number, seat)."""

KEY = ["play_id", "move_number", "seat"]
_COLUMNS = tuple(QUALITY.names)  # read once: the schema builds a new list on every access
_COLUMN_SET = frozenset(_COLUMNS)

SUMMARY_COLUMNS = ["game_key", "player", "evaluator", "metric", "value", "ci_low", "ci_high", "decisions", "episodes", "note"]
"""The summary's long format: one row per player, game and metric; ci_* null where there is no interval."""


class ReplayMismatch(ValueError):
    """The recorded moves do not replay (a seat moved out of turn, an action is not legal there)."""


@dataclass(slots=True)
class DecisionAt:
    """One decision of one seat, with the position it was taken in."""

    move_number: int
    seat: int
    state: pyspiel.State  # the position before the move: kept as it is, except in a game implemented in
    # Python, where the same object moves on (read it before the iterator advances)
    action: int  # the move applied
    fallback: bool  # the arena chose it (on_illegal: random)
    row: dict[str, Any]  # the moves table's row of the applied attempt


@dataclass(slots=True)
class Episode:
    """One finished play of an episode and its moves (the moves table's rows, any order)."""

    episode_id: str
    play_id: str
    tournament: str
    game: str
    game_key: str
    seed: int
    players: list[str]  # display names by seat
    status: str
    moves: pd.DataFrame


def decisions(game: Game, episode: Episode) -> Iterator[DecisionAt]:
    """Every decision of `episode` in order, the state before it rebuilt by replay.

    The applied action of a decision is its last legal attempt; a decision with none (a forfeit)
    ends the replay, as it ended the episode.
    """
    by_move = _applied(episode.moves)
    chance = random.Random(episode.seed)
    state = game.spiel.new_initial_state()
    move_number = 0
    while not state.is_terminal():
        if state.is_chance_node():
            actions, probs = zip(*state.chance_outcomes(), strict=True)
            state.apply_action(chance.choices(actions, probs)[0])
            continue
        records = by_move.get(move_number, {})
        seats = list(range(game.num_players)) if state.is_simultaneous_node() else [state.current_player()]
        last = move_number >= max(by_move, default=-1)
        if set(records) != set(seats) and not (last and set(records) < set(seats)):
            raise ReplayMismatch(f"episode {episode.episode_id}: move {move_number} was made by seat(s) "
                                 f"{sorted(records)}, but seat(s) {seats} were to move")
        for seat in sorted(records):
            r = records[seat]
            action = int(r["action"])
            if action not in state.legal_actions(seat):
                raise ReplayMismatch(f"episode {episode.episode_id}: move {move_number}: action {action} is not "
                                     f"legal for seat {seat} in the replayed position")
            yield DecisionAt(move_number, seat, state, action, r.get("fallback") == "random", r)
        if len(records) < len(seats):
            return  # truncated, or a seat forfeited here: the episode ended as the replay does
        if not _implemented_in_python(state):
            state = state.clone()  # the decisions yielded keep their positions
        if state.is_simultaneous_node():
            state.apply_actions([int(records[s]["action"]) for s in seats])
        else:
            state.apply_action(int(records[seats[0]]["action"]))
        move_number += 1


def _implemented_in_python(state: pyspiel.State) -> bool:
    """A state of one of OpenSpiel's Python games (the iterated prisoner's dilemma): such a state is moved on
    in place, never cloned. A clone of one goes through Python copying inside pybind11, and replays that
    cloned them are the prime suspect of rare crashes of the garbage collector."""
    return not type(state).__module__.startswith("pyspiel")


def _applied(moves: pd.DataFrame) -> dict[int, dict[int, dict[str, Any]]]:
    """Move number -> seat -> the row of that decision's last legal attempt.

    Plain Python over the rows: an episode has a few dozen, and pandas' sort, filter and de-duplication
    cost about a millisecond each per episode, more than replaying the game.
    """
    names = list(moves.columns)
    last: dict[tuple[int, int], dict[str, Any]] = {}
    for values in moves.to_numpy(dtype=object).tolist():
        r = dict(zip(names, values, strict=True))
        if not (_given(r["legal"]) and r["legal"] and _given(r["action"])):
            continue
        decision = (int(r["move_number"]), int(r["seat"]))
        if decision not in last or r["attempt"] >= last[decision]["attempt"]:  # equal: the later row, as recorded
            last[decision] = r
    by_move: dict[int, dict[int, dict[str, Any]]] = {}
    for (move_number, seat), r in sorted(last.items()):
        by_move.setdefault(move_number, {})[seat] = r
    return by_move


def _given(x: Any) -> bool:
    """Not a missing value (None, NaN or pd.NA)."""
    return x is not None and x is not pd.NA and x == x


def row(episode: Episode, d: DecisionAt, evaluator: str, settings: str, **values: Any) -> dict[str, Any]:
    """A quality row for decision `d`; `values` fills the evaluator's columns (the rest stay null)."""
    out: dict[str, Any] = dict.fromkeys(_COLUMNS)
    out.update(episode_id=episode.episode_id, play_id=episode.play_id, tournament=episode.tournament,
               game=episode.game, game_key=episode.game_key, move_number=d.move_number, seat=d.seat,
               player=episode.players[d.seat], model=d.row.get("model"), evaluator=evaluator, settings=settings,
               action=d.action, fallback=d.fallback)
    unknown = values.keys() - _COLUMN_SET
    if unknown:
        raise KeyError(f"not quality columns: {sorted(unknown)}")
    out.update(values)
    return out


class Evaluator(Protocol):
    """Judges the decisions of one kind of game.

    `evaluate` turns one episode into quality rows (`row(...)`), `summarise` turns the quality rows of
    one game (all players, the fallback rows included) into SUMMARY_COLUMNS rows. Both are pure; the
    Ray fan-out, the files and resuming live elsewhere (cluster/quality.py).
    """

    name: str

    def settings(self) -> dict[str, Any]:
        """Recorded with every row: a change of settings is a different evaluation."""
        ...

    def evaluate(self, game: Game, episode: Episode) -> list[dict[str, Any]]: ...

    def summarise(self, rows: pd.DataFrame, *, rounds: int, seed: int, level: float) -> list[dict[str, Any]]: ...
