"""One typed record per table: the single place where a row names its columns.

A row is built by naming each column (`row.seat = m.seat`), so a value can only land in
the column it names, and mypy checks its type. Each record's fields (names, order, types)
are checked against arena.results.schema when this module is imported: a record and the
schema that disagree fail at import, never as two swapped columns in a file. A field left
unset fails when the row is added (rows.TableBuilder), never as a shifted row.

Why assignments rather than keyword arguments: rows.py is on the hot path of every
episode, and a call with more than 15 keyword arguments is compiled into a dict-building
call that costs about ten times a tuple. A slots dataclass filled field by field and read
back with one precomputed attrgetter costs about three times a tuple.

A column whose name is a Python keyword (`return`) is the field with a trailing
underscore (`return_`).
"""

from __future__ import annotations

import dataclasses
import keyword
import types
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Union, get_args, get_origin, get_type_hints

import pyarrow as pa

from arena.results.schema import EPISODES, MOVES, SEATS, EpisodeStatus


@dataclass(slots=True, init=False)
class EpisodeRow:
    episode_id: str
    play_id: str
    tournament: str
    definition_id: str
    game: str
    game_key: str
    game_params: str
    players: list[str]
    seed: int
    repetition: int
    seating: int
    first_seat: int | None
    status: EpisodeStatus
    reason: str | None
    returns: list[float]
    num_moves: int
    started_at: datetime
    duration_s: float
    schema_version: int


@dataclass(slots=True, init=False)
class SeatRow:
    episode_id: str
    play_id: str
    tournament: str
    game: str
    game_key: str
    seat: int
    first_mover: bool | None
    player: str
    player_type: str
    model: str | None
    player_spec: str
    opponents: list[str]
    status: EpisodeStatus
    return_: float | None
    outcome: str | None
    decisions: int
    illegal_attempts: int
    forfeit: bool
    random_fallbacks: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    latency_s: float


@dataclass(slots=True, init=False)
class MoveRow:
    episode_id: str
    play_id: str
    tournament: str
    game: str
    game_key: str
    move_number: int
    seat: int
    player: str
    model: str | None
    attempt: int
    state: str
    state_after: str | None
    prompt: str | None
    raw_response: str | None
    reasoning: str | None
    parser_path: str | None
    action: int | None
    action_label: str | None
    spiel_action: str | None
    legal: bool
    fallback: str | None
    error: str | None
    error_class: str | None
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    cost_usd: float


class SchemaMismatch(TypeError):
    """A record does not match its table's schema (names, order or types)."""


# Checked in order: bool before int (a bool is an int), str covers str enums like EpisodeStatus.
_SCALARS: tuple[tuple[type, Any], ...] = (
    (bool, pa.types.is_boolean),
    (int, pa.types.is_integer),
    (float, pa.types.is_floating),
    (str, pa.types.is_string),
    (datetime, pa.types.is_timestamp),
)


def field_name(column: str) -> str:
    """The record field that holds `column` (a keyword gets a trailing underscore)."""
    return f"{column}_" if keyword.iskeyword(column) else column


def _fits(hint: Any, arrow_type: pa.DataType) -> bool:
    """Whether values of the annotation `hint` (None allowed: every column is nullable) fit `arrow_type`."""
    if get_origin(hint) in (Union, types.UnionType):
        kinds = [a for a in get_args(hint) if a is not type(None)]
        return len(kinds) == 1 and _fits(kinds[0], arrow_type)
    if get_origin(hint) is list:
        return pa.types.is_list(arrow_type) and _fits(get_args(hint)[0], arrow_type.value_type)
    if not isinstance(hint, type):
        return False
    return next((check(arrow_type) for py, check in _SCALARS if issubclass(hint, py)), False)


def record_fields(record: type) -> list[str]:
    """The field names of a record class, in order."""
    return [f.name for f in dataclasses.fields(record)]


def check_record(record: type, schema: pa.Schema) -> None:
    """Raise SchemaMismatch unless `record` has the schema's columns, in its order, with fitting types."""
    name, fields, columns = record.__name__, record_fields(record), [field_name(c) for c in schema.names]
    if fields != columns:
        at = next((i for i, (f, c) in enumerate(zip(fields, columns)) if f != c), min(len(fields), len(columns)))
        got = fields[at] if at < len(fields) else "(end)"
        want = columns[at] if at < len(columns) else "(end)"
        raise SchemaMismatch(f"{name} does not match the schema at position {at}: field {got!r}, column {want!r}")
    hints = get_type_hints(record)
    for field, column in zip(schema, columns):
        if not _fits(hints[column], field.type):
            raise SchemaMismatch(f"{name}.{column}: {hints[column]} does not fit the column's type {field.type}")


for _record, _schema in ((EpisodeRow, EPISODES), (SeatRow, SEATS), (MoveRow, MOVES)):
    check_record(_record, _schema)
