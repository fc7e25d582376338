"""Turns finished episodes into columns of the three tables, cheaply (no per-row dicts).

Each row is one typed record (arena.results.records), filled column by column and kept
as a tuple in schema order; a batch is transposed into columns once, at the end.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from operator import attrgetter

import pyarrow as pa

from arena.config.models import LLMPlayer, Tournament
from arena.episode import EpisodeLog
from arena.results.folder import current_definition_id
from arena.results.records import EpisodeRow, MoveRow, SeatRow, check_record, record_fields
from arena.results.schema import EPISODES, MOVES, NOT_PLAYED, SCHEMA_VERSION, SEATS, EpisodeStatus
from arena.schedule import EpisodeSpec

_params_json = json.JSONEncoder(sort_keys=True).encode  # json.dumps(..., sort_keys=True) without a new encoder per call


def outcomes(status: EpisodeStatus | None, returns: list[float], forfeit_seats: list[int], n: int) -> list[str | None]:
    """win/draw/loss per seat: a forfeit loses; otherwise compare returns (ties are draws);
    None for every seat of an episode that did not finish."""
    if status in NOT_PLAYED or not returns:
        return [None] * n
    if forfeit_seats:
        return ["loss" if p in forfeit_seats else "win" for p in range(n)]
    best = max(returns)
    if all(r == best for r in returns):
        return ["draw"] * n
    return ["win" if r == best and returns.count(best) == 1 else ("draw" if r == best else "loss") for r in returns]


def _same_episode(row: MoveRow | SeatRow, e: EpisodeRow) -> None:
    """The columns a seat or move row shares with its episode's row."""
    row.episode_id, row.play_id, row.tournament, row.game, row.game_key = (
        e.episode_id, e.play_id, e.tournament, e.game, e.game_key)


@dataclass(slots=True)
class SeatTotals:
    """What one seat did in one episode, summed over its rows of the moves table."""

    decisions: int = 0
    illegal_attempts: int = 0
    random_fallbacks: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    latency_s: float = 0.0


class TableBuilder:
    """Rows of one table as tuples in schema order, transposed once at the end (far cheaper than per-row dicts)."""

    def __init__(self, schema: pa.Schema, record: type):
        check_record(record, schema)  # raises SchemaMismatch: the record's fields are the schema's columns
        self.schema = schema
        self.rows: list[tuple] = []
        self._values = attrgetter(*record_fields(record))

    def __len__(self) -> int:
        return len(self.rows)

    def add(self, record: object) -> None:
        """Add one filled record; a field left unset raises AttributeError here."""
        self.rows.append(self._values(record))

    def table(self) -> pa.Table:
        columns: list[tuple | list] = list(zip(*self.rows, strict=True)) if self.rows else [[] for _ in self.schema.names]
        return pa.table(dict(zip(self.schema.names, columns, strict=True)), schema=self.schema)


class ResultsBuilder:
    """Rows of one batch of episodes (a Ray task's shard, or one local game)."""

    def __init__(self, tournament: Tournament):
        self.t = tournament
        self.specs = {p.display_name: p for p in tournament.players}
        self.spec_json = {name: p.model_dump_json() for name, p in self.specs.items()}
        self.model = {name: p.model if isinstance(p, LLMPlayer) else None for name, p in self.specs.items()}
        self.definition_id = current_definition_id(tournament)
        self.episodes = TableBuilder(EPISODES, EpisodeRow)
        self.seats = TableBuilder(SEATS, SeatRow)
        self.moves = TableBuilder(MOVES, MoveRow)

    def add(self, spec: EpisodeSpec, log: EpisodeLog, started_at: datetime, duration_s: float) -> None:
        status = log.status
        if status is None:
            raise ValueError(f"episode {spec.episode_id} has no status: it is still running")
        e = EpisodeRow()
        e.episode_id = spec.episode_id
        e.play_id = uuid.uuid4().hex
        e.tournament = self.t.name
        e.definition_id = self.definition_id
        e.game = spec.game.name
        e.game_key = spec.game.key
        e.game_params = _params_json(spec.game.params)
        e.players = list(spec.seats)
        e.seed = spec.seed
        e.repetition = spec.repetition
        e.seating = spec.seating
        e.first_seat = log.first_seat
        e.status = status
        e.reason = log.reason or None
        e.returns = log.returns
        e.num_moves = log.num_moves
        e.started_at = started_at.astimezone(timezone.utc)
        e.duration_s = duration_s
        e.schema_version = SCHEMA_VERSION
        self.episodes.add(e)
        totals = [SeatTotals() for _ in spec.seats]
        self._add_moves(spec, log, e, totals)
        self._add_seats(spec, log, e, totals)

    def _add_moves(self, spec: EpisodeSpec, log: EpisodeLog, e: EpisodeRow, totals: list[SeatTotals]) -> None:
        add, model = self.moves.add, self.model
        last = log.moves[-1].move_number if log.moves else None
        for m in log.moves:
            a, s = m.attempt, totals[m.seat]
            s.decisions += m.attempt_number == 1
            s.illegal_attempts += not a.legal
            s.random_fallbacks += a.fallback == "random"
            s.prompt_tokens += a.prompt_tokens
            s.completion_tokens += a.completion_tokens
            s.cost_usd += a.cost_usd
            s.latency_s += a.latency_s
            r = MoveRow()
            _same_episode(r, e)
            r.move_number = m.move_number
            r.seat = m.seat
            r.player = spec.seats[m.seat]
            r.model = model[r.player]
            r.attempt = m.attempt_number
            r.state = m.state_text
            r.state_after = log.final_state if m.move_number == last else None
            r.prompt = a.prompt or None
            r.raw_response = a.raw_response or None
            r.reasoning = a.reasoning or None
            r.parser_path = a.parser_path or None
            r.action = a.action if a.legal else None
            r.action_label = a.label or None
            r.spiel_action = a.spiel_action or None
            r.legal = a.legal
            r.fallback = a.fallback or None
            r.error = a.error or None
            r.error_class = a.error_class or None
            r.prompt_tokens = a.prompt_tokens
            r.completion_tokens = a.completion_tokens
            r.latency_s = a.latency_s
            r.cost_usd = a.cost_usd
            add(r)

    def _add_seats(self, spec: EpisodeSpec, log: EpisodeLog, e: EpisodeRow, totals: list[SeatTotals]) -> None:
        results = outcomes(e.status, log.returns, log.forfeit_seats, len(spec.seats))
        first = log.first_seat
        for seat, player in enumerate(spec.seats):
            s = totals[seat]
            r = SeatRow()
            _same_episode(r, e)
            r.seat = seat
            r.first_mover = None if first is None else seat == first
            r.player = player
            r.player_type = self.specs[player].type
            r.model = self.model[player]
            r.player_spec = self.spec_json[player]
            r.opponents = [o for i, o in enumerate(spec.seats) if i != seat]
            r.status = e.status
            r.return_ = log.returns[seat] if log.returns else None
            r.outcome = results[seat]
            r.decisions = s.decisions
            r.illegal_attempts = s.illegal_attempts
            r.forfeit = seat in log.forfeit_seats
            r.random_fallbacks = s.random_fallbacks
            r.prompt_tokens = s.prompt_tokens
            r.completion_tokens = s.completion_tokens
            r.cost_usd = s.cost_usd
            r.latency_s = s.latency_s
            self.seats.add(r)

    def tables(self) -> dict[str, pa.Table]:
        return {"episodes": self.episodes.table(), "seats": self.seats.table(), "moves": self.moves.table()}
