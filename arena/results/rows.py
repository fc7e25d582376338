"""Turns finished episodes into columns of the three tables, cheaply (no per-row dicts)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

import pyarrow as pa

from arena.config.models import LLMPlayer, Tournament
from arena.episode import EpisodeLog
from arena.results.folder import current_definition_id
from arena.results.schema import EPISODES, MOVES, SCHEMA_VERSION, SEATS
from arena.schedule import EpisodeSpec


def outcomes(status: str, returns: list[float], forfeit_seats: list[int], n: int) -> list[str | None]:
    """win/draw/loss per seat: a forfeit loses; otherwise compare returns (ties are draws);
    None for every seat of an episode that did not finish."""
    if status in ("error", "skipped") or not returns:
        return [None] * n
    if forfeit_seats:
        return ["loss" if p in forfeit_seats else "win" for p in range(n)]
    best = max(returns)
    if all(r == best for r in returns):
        return ["draw"] * n
    return ["win" if r == best and returns.count(best) == 1 else ("draw" if r == best else "loss") for r in returns]


class TableBuilder:
    """Rows as tuples in schema order, transposed once at the end (far cheaper than per-row dicts)."""

    def __init__(self, schema: pa.Schema):
        self.schema = schema
        self.rows: list[tuple] = []

    def __len__(self) -> int:
        return len(self.rows)

    def table(self) -> pa.Table:
        columns = list(zip(*self.rows)) if self.rows else [[] for _ in self.schema.names]
        return pa.table(dict(zip(self.schema.names, columns)), schema=self.schema)


class ResultsBuilder:
    """Rows of one batch of episodes (a Ray task's shard, or one local game)."""

    def __init__(self, tournament: Tournament):
        self.t = tournament
        self.specs = {p.display_name: p for p in tournament.players}
        self.spec_json = {name: p.model_dump_json() for name, p in self.specs.items()}
        self.model = {name: p.model if isinstance(p, LLMPlayer) else None for name, p in self.specs.items()}
        self.definition_id = current_definition_id(tournament)
        self.episodes, self.seats, self.moves = TableBuilder(EPISODES), TableBuilder(SEATS), TableBuilder(MOVES)

    def add(self, spec: EpisodeSpec, log: EpisodeLog, started_at: datetime, duration_s: float) -> None:
        eid, n, play, name, game = spec.episode_id, len(spec.seats), uuid.uuid4().hex, self.t.name, spec.game
        self.episodes.rows.append((
            eid, play, name, self.definition_id, game.name, game.key, json.dumps(game.params, sort_keys=True),
            list(spec.seats), spec.seed, spec.repetition, spec.seating, log.first_seat, log.status, log.reason or None,
            log.returns, log.num_moves, started_at.astimezone(timezone.utc), duration_s, SCHEMA_VERSION,
        ))
        seat_stats = [[0, 0, 0, 0, 0, 0.0, 0.0] for _ in range(n)]  # decisions, illegal, fallbacks, pt, ct, cost, latency
        add_move = self.moves.rows.append
        last = log.moves[-1].move_number if log.moves else None
        for m in log.moves:
            a, s = m.attempt, seat_stats[m.seat]
            s[0] += m.attempt_number == 1
            s[1] += not a.legal
            s[2] += a.fallback == "random"
            s[3] += a.prompt_tokens
            s[4] += a.completion_tokens
            s[5] += a.cost_usd
            s[6] += a.latency_s
            player = spec.seats[m.seat]
            add_move((
                eid, play, name, game.name, game.key, m.move_number, m.seat, player, self.model[player],
                m.attempt_number, m.state_text, log.final_state if m.move_number == last else None, a.prompt or None,
                a.raw_response or None, a.reasoning or None, a.parser_path or None, a.action if a.legal else None,
                a.label or None, a.spiel_action or None, a.legal, a.fallback or None, a.error or None,
                a.error_class or None, a.prompt_tokens, a.completion_tokens, a.latency_s, a.cost_usd,
            ))
        results = outcomes(log.status, log.returns, log.forfeit_seats, n)
        first = log.first_seat
        for seat, player in enumerate(spec.seats):
            p, s = self.specs[player], seat_stats[seat]
            self.seats.rows.append((
                eid, play, name, game.name, game.key, seat, None if first is None else seat == first, player, p.type,
                self.model[player], self.spec_json[player], [o for i, o in enumerate(spec.seats) if i != seat],
                log.status, log.returns[seat] if log.returns else None, results[seat], s[0], s[1],
                seat in log.forfeit_seats, s[2], s[3], s[4], s[5], s[6],
            ))

    def tables(self) -> dict[str, pa.Table]:
        return {"episodes": self.episodes.table(), "seats": self.seats.table(), "moves": self.moves.table()}
