"""Typed row records against the schema: a record that disagrees with its table fails at import."""

import re
from dataclasses import dataclass

import pyarrow as pa
import pytest

from arena.results.records import EpisodeRow, MoveRow, SchemaMismatch, SeatRow, check_record, record_fields
from arena.results.rows import TableBuilder
from arena.results.schema import EPISODES, MOVES, SEATS, EpisodeStatus

SMALL = pa.schema([("seat", pa.int8()), ("player", pa.string()), ("opponent", pa.string()),
                   ("return", pa.float64()), ("returns", pa.list_(pa.float64()))])


@dataclass(slots=True, init=False)
class Small:
    seat: int
    player: str
    opponent: str
    return_: float | None
    returns: list[float]


@dataclass(slots=True, init=False)
class Swapped:  # two columns of one type in the wrong order: the mistake a tuple would hide
    seat: int
    opponent: str
    player: str
    return_: float | None
    returns: list[float]


@dataclass(slots=True, init=False)
class WrongType:
    seat: int
    player: str
    opponent: int  # a string column
    return_: float | None
    returns: list[float]


@dataclass(slots=True, init=False)
class WrongItems:
    seat: int
    player: str
    opponent: str
    return_: float | None
    returns: list[str]


@dataclass(slots=True, init=False)
class Short:
    seat: int
    player: str
    opponent: str
    return_: float | None


def test_the_three_records_are_the_three_schemas():
    for record, schema in ((EpisodeRow, EPISODES), (SeatRow, SEATS), (MoveRow, MOVES)):
        check_record(record, schema)
        assert [f.rstrip("_") for f in record_fields(record)] == schema.names


def test_a_matching_record_passes_and_a_keyword_column_takes_an_underscore():
    check_record(Small, SMALL)


@pytest.mark.parametrize(("record", "message"), [
    (Swapped, "Swapped does not match the schema at position 1: field 'opponent', column 'player'"),
    (WrongType, "WrongType.opponent: <class 'int'> does not fit the column's type string"),
    (WrongItems, "WrongItems.returns"),
    (Short, "Short does not match the schema at position 4: field '(end)', column 'returns'"),
])
def test_a_record_that_disagrees_with_its_schema_is_refused(record, message):
    with pytest.raises(SchemaMismatch, match=re.escape(message)):
        check_record(record, SMALL)


def test_a_table_builder_refuses_a_record_of_another_table():
    with pytest.raises(SchemaMismatch, match="Swapped"):
        TableBuilder(SMALL, Swapped)
    with pytest.raises(SchemaMismatch, match="SeatRow"):
        TableBuilder(MOVES, SeatRow)


def test_a_bool_is_not_taken_for_an_int_column():
    @dataclass(slots=True, init=False)
    class Flag:
        seat: bool

    with pytest.raises(SchemaMismatch, match="seat"):
        check_record(Flag, pa.schema([("seat", pa.int8())]))


def test_a_field_left_unset_fails_when_the_row_is_added():
    rows = TableBuilder(SMALL, Small)
    row = Small()
    row.seat, row.player, row.opponent, row.return_ = 0, "a", "b", 1.0
    with pytest.raises(AttributeError, match="returns"):
        rows.add(row)
    row.returns = [1.0, -1.0]
    rows.add(row)
    assert rows.table().to_pylist() == [
        {"seat": 0, "player": "a", "opponent": "b", "return": 1.0, "returns": [1.0, -1.0]}]


@dataclass(slots=True, init=False)
class Status:
    seat: int
    status: EpisodeStatus


def test_a_status_is_written_as_its_plain_string():
    rows = TableBuilder(pa.schema([("seat", pa.int8()), ("status", pa.string())]), Status)
    row = Status()
    row.seat, row.status = 0, EpisodeStatus.SKIPPED
    rows.add(row)
    assert rows.table().column("status").to_pylist() == ["skipped"]
    assert type(rows.table().column("status").to_pylist()[0]) is str
