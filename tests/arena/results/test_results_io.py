"""Rows -> Parquet -> pandas: schema order, atomic parts, dedupe of retried episodes."""

import asyncio
from datetime import datetime, timedelta, timezone

import pyarrow.parquet as pq

from arena.agents.base import Attempt
from arena.config import Tournament
from arena.episode import EpisodeLog, MoveLog
from arena.results import completed_episode_ids, load
from arena.results.rows import ResultsBuilder, outcomes
from arena.results.schema import SCHEMA_VERSION, TABLES, EpisodeStatus
from arena.results.writer import write_parts
from arena.schedule import episodes
from arena.shard import play_shard

T = Tournament.model_validate({
    "name": "io", "games": [{"name": "tic_tac_toe"}], "episodes_per_pairing": 2,
    "players": [{"type": "random"}, {"type": "llm", "model": "simulated_x", "temperature": 0.3}],
})


SCRIPTED = Tournament.model_validate({
    "name": "io2", "games": [{"name": "tic_tac_toe"}], "episodes_per_pairing": 2,
    "players": [{"type": "random"}, {"type": "mcts", "simulations": 3}],
})


def test_outcomes():
    assert outcomes("ok", [1.0, -1.0], [], 2) == ["win", "loss"]
    assert outcomes("ok", [0.0, 0.0], [], 2) == ["draw", "draw"]
    assert outcomes("forfeit", [1.0, -1.0], [1], 2) == ["win", "loss"]
    assert outcomes("error", [], [], 2) == [None, None]  # did not finish: null, not ""
    assert outcomes("ok", [3.0, 3.0, 1.0], [], 3) == ["draw", "draw", "loss"]


def test_every_column_lands_in_its_own_field(tmp_path):
    spec = next(episodes(T))
    log = EpisodeLog(status=EpisodeStatus.OK, returns=[1.0, -1.0], num_moves=1)
    log.moves.append(MoveLog(0, 1, "STATE", 2, Attempt(
        action=4, label="b2", legal=True, prompt="PROMPT", raw_response="RAW", parser_path="json", error="ERR",
        error_class="request", prompt_tokens=11, completion_tokens=7, latency_s=0.5, cost_usd=0.25,
        fallback="random", reasoning="WHY")))
    rows = ResultsBuilder(T)
    started = datetime(2026, 1, 1, tzinfo=timezone.utc)
    rows.add(spec, log, started, 1.5)
    write_parts(tmp_path, rows.tables())
    r = load(tmp_path)
    move = r.moves.iloc[0].to_dict()
    assert {k: move[k] for k in ["state", "prompt", "raw_response", "reasoning", "parser_path", "action",
                                 "action_label", "legal", "fallback", "error", "error_class", "prompt_tokens",
                                 "completion_tokens", "latency_s", "cost_usd", "attempt", "seat", "move_number"]} == {
        "state": "STATE", "prompt": "PROMPT", "raw_response": "RAW", "reasoning": "WHY", "parser_path": "json",
        "action": 4, "action_label": "b2", "legal": True, "fallback": "random", "error": "ERR",
        "error_class": "request", "prompt_tokens": 11, "completion_tokens": 7, "latency_s": 0.5, "cost_usd": 0.25,
        "attempt": 2, "seat": 1, "move_number": 0}
    assert move["player"] == spec.seats[1]
    seat = r.seats.set_index("seat").loc[1]
    assert seat["prompt_tokens"] == 11 and seat["random_fallbacks"] == 1 and seat["cost_usd"] == 0.25
    assert seat["outcome"] == "loss" and seat["return"] == -1.0
    llm_seat = r.seats[r.seats.player_type == "llm"].iloc[0]
    assert Tournament.model_validate({**T.model_dump(), "players": [__import__("json").loads(llm_seat.player_spec),
                                                                       {"type": "random"}]}).players[0] == T.players[1]
    ep = r.episodes.iloc[0]
    assert ep["duration_s"] == 1.5 and ep["schema_version"] == SCHEMA_VERSION and list(ep["players"]) == list(spec.seats)


def test_parts_are_atomic_and_typed(tmp_path):
    tables = asyncio.run(play_shard(SCRIPTED, list(episodes(SCRIPTED))))
    write_parts(tmp_path, tables)
    (tmp_path / "episodes" / ".part-half-written.parquet.tmp").write_bytes(b"garbage")
    for name, schema in TABLES.items():
        files = list((tmp_path / name).glob("part-*.parquet"))
        assert len(files) == 1 and pq.read_schema(files[0]).equals(schema)
    assert len(load(tmp_path).episodes) == 2


def test_retried_episode_is_counted_once_and_finished_play_wins(tmp_path):
    T = SCRIPTED
    specs = list(episodes(T))
    failed = ResultsBuilder(T)
    for s in specs:
        an_hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
        failed.add(s, EpisodeLog(status=EpisodeStatus.ERROR, reason="boom"), an_hour_ago, 0)
    write_parts(tmp_path, failed.tables())
    assert completed_episode_ids(tmp_path) == set()
    write_parts(tmp_path, asyncio.run(play_shard(T, specs[:1])))
    r = load(tmp_path)
    assert len(r.episodes) == 2 and sorted(r.episodes.status) == ["error", "ok"]
    assert completed_episode_ids(tmp_path) == {specs[0].episode_id}
    assert len(r.seats) == 4  # seats of the winning plays only
    assert set(r.moves.play_id) == set(r.episodes[r.episodes.status == "ok"].play_id)
    write_parts(tmp_path, failed.tables())  # a late error never hides a finished play
    assert sorted(load(tmp_path).episodes.status) == ["error", "ok"]


def test_stale_temporaries_of_a_killed_writer_are_removed_recent_ones_kept(tmp_path):
    import os
    import time

    from arena.results.location import ResultsDir

    folder = ResultsDir(tmp_path).child("moves")
    folder.publish("part-a.parquet", lambda stream: stream.write(b"x"))
    stale, recent = tmp_path / "moves" / ".part-b.parquet.tmp", tmp_path / "moves" / ".part-c.parquet.tmp"
    stale.write_text("half written")
    recent.write_text("being written by another driver")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    assert folder.remove_stale_temporaries() == 1
    assert sorted(p.name for p in (tmp_path / "moves").iterdir()) == [".part-c.parquet.tmp", "part-a.parquet"]
