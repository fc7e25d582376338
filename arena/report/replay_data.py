"""What the replay viewer reads: one compact index record per episode, and one replay per episode
built from its rows of the moves table, each written as a JavaScript call that a <script> tag loads.

A replay is a list of steps: one per decision (a move_number; in a simultaneous game several seats
decide at the same one) showing the position before it and every attempt of every seat deciding
there, then a last step showing the final position. A step carries the OpenSpiel state text and the
label of the move that led to it: the viewer draws the position from those (viewer/boards.js).

Most of a prompt's text repeats: every prompt of an episode restates the rules. So a replay keeps each
distinct prompt message once, in `texts`, and a message's `text` is an index into it: the replays of
10,000 tic-tac-toe and Connect Four episodes are 37% smaller this way.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from itertools import groupby
from typing import Any

import numpy as np
import pandas as pd

ATTEMPT_FIELDS = ("attempt", "prompt", "raw_response", "reasoning", "parser_path", "action_label", "spiel_action",
                  "legal", "fallback", "error", "error_class", "prompt_tokens", "completion_tokens", "latency_s",
                  "cost_usd")
MOVE_COLUMNS = ["play_id", "move_number", "seat", "state", "state_after", *ATTEMPT_FIELDS]
"""The moves columns a replay needs (scan_moves reads only these)."""
SEAT_FIELDS = ("seat", "player", "player_type", "model", "outcome", "return", "forfeit", "decisions",
               "illegal_attempts", "random_fallbacks", "prompt_tokens", "completion_tokens", "cost_usd", "latency_s")


def plain(value: Any) -> Any:
    """`value` as JSON can hold it: nulls for pandas' missing values, lists for arrays, ISO text for times."""
    if isinstance(value, np.ndarray | list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def script_json(value: object) -> str:
    """`value` as JSON to put in a script: no `</script>` in a model's answer can end the script early."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).replace("</", "<\\/")


def script(callback: str, value: object) -> str:
    """A script calling `callback` with `value`."""
    return f"{callback}({script_json(value)});\n"


def index_record(episode: Mapping[str, Any], seats: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The episode browser's row of one episode; `seats` in seat order."""
    return {
        "id": episode["episode_id"], "game": episode["game_key"], "players": [str(s["player"]) for s in seats],
        "outcomes": [plain(s["outcome"]) for s in seats], "forfeit": [bool(plain(s["forfeit"])) for s in seats],
        "illegal": [int(plain(s["illegal_attempts"]) or 0) for s in seats], "status": episode["status"],
        "reason": plain(episode["reason"]), "moves": plain(episode["num_moves"]), "returns": _returns(seats),
        "started": plain(episode["started_at"]),
    }


def replay(episode: Mapping[str, Any], seats: Sequence[Mapping[str, Any]],
           rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """One episode's replay from its moves rows (any order, duplicates allowed); `seats` in seat order
    (the players and returns by seat come from them: a lean `load` leaves them out of the episodes)."""
    game = str(episode["game"])
    players = [str(s["player"]) for s in seats]
    unique = {(r["move_number"], r["seat"], r["attempt"]): r for r in rows}
    ordered = [unique[key] for key in sorted(unique)]
    texts = Texts()
    steps, last_move, final_state = [], None, None
    for move_number, decision_rows in groupby(ordered, key=lambda r: r["move_number"]):
        decided = list(decision_rows)
        state = decided[0]["state"]
        decisions = [{"seat": seat, "player": players[seat], "attempts": [_attempt(r, texts) for r in attempts]}
                     for seat, attempts in groupby(decided, key=lambda r: r["seat"])]
        steps.append({"move": move_number, "state": state, "last_move": last_move, "decisions": decisions})
        chosen = [r["action_label"] for r in decided if r["legal"]]
        last_move = chosen[0] if len(chosen) == 1 else None  # simultaneous moves have no one last move
        final_state = next((r["state_after"] for r in decided if r["state_after"] is not None), None)
    end = (steps[-1]["move"] + 1) if steps else 0
    steps.append({"move": end, "state": final_state, "last_move": last_move, "decisions": []})
    return {
        "id": episode["episode_id"], "tournament": plain(episode["tournament"]), "game": game,
        "game_key": episode["game_key"], "game_params": plain(episode["game_params"]), "players": players,
        "seats": [{name: plain(s.get(name)) for name in SEAT_FIELDS} for s in seats],
        "result": {"status": episode["status"], "reason": plain(episode["reason"]), "returns": _returns(seats),
                   "num_moves": plain(episode["num_moves"]), "started_at": plain(episode["started_at"]),
                   "duration_s": plain(episode["duration_s"])},
        "texts": texts.table, "steps": steps,
    }


class Texts:
    """The distinct texts of one replay, each kept once (see the module's docstring)."""

    def __init__(self) -> None:
        self.table: list[str] = []
        self._index: dict[str, int] = {}

    def add(self, text: str) -> int:
        index = self._index.get(text)
        if index is None:
            index = self._index[text] = len(self.table)
            self.table.append(text)
        return index


def _attempt(row: Mapping[str, Any], texts: Texts) -> dict[str, Any]:
    """One attempt's fields that are set (a scripted player's has no prompt, a legal one no error)."""
    found = {name: plain(row[name]) for name in ATTEMPT_FIELDS}
    found["prompt"] = _messages(found["prompt"], texts)
    return {name: value for name, value in found.items() if value is not None}


def _messages(prompt: str | None, texts: Texts) -> list[dict[str, Any]] | None:
    """The chat messages the model was sent (stored as JSON text), each {role, text: index into texts};
    a prompt that is not a message list is one message without a role."""
    if prompt is None:
        return None
    try:
        messages = json.loads(prompt)
    except ValueError:
        messages = None
    if not (isinstance(messages, list) and all(isinstance(m, dict) for m in messages)):
        return [{"role": None, "text": texts.add(prompt)}]
    return [{"role": m.get("role"), "text": texts.add(content if isinstance(content := m.get("content"), str)
                                                      else json.dumps(content, ensure_ascii=False, indent=2))}
            for m in messages]


def _returns(seats: Sequence[Mapping[str, Any]]) -> list[float] | None:
    """Returns by seat; None when the episode has none (it did not finish)."""
    found = [plain(s.get("return")) for s in seats]
    return None if not found or None in found else found
