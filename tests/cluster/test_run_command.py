"""Helpers of `arena run` that need no Ray: what is left to play, where results go."""

import asyncio

from arena.config import Tournament
from arena.results.folder import pending_episodes
from arena.results.writer import write_parts
from arena.schedule import episodes
from arena.shard import play_shard
from cluster.driver import results_root
from cluster.run import with_results_root


def test_a_finished_tournament_has_nothing_pending(tmp_path):
    t = Tournament.model_validate({"name": "done", "output_dir": str(tmp_path), "games": [{"name": "tic_tac_toe"}],
                                   "players": [{"type": "random"}, {"type": "random", "name": "r2"}],
                                   "episodes_per_pairing": 4})
    specs = list(episodes(t))
    assert pending_episodes(t, results_root(t)) == 4
    write_parts(tmp_path / "done", asyncio.run(play_shard(t, specs[:2])))
    assert pending_episodes(t, results_root(t)) == 2
    write_parts(tmp_path / "done", asyncio.run(play_shard(t, specs[2:])))
    assert pending_episodes(t, results_root(t)) == 0  # so a rerun starts no Ray and deploys no model


def test_relative_output_dir_goes_under_the_results_root(monkeypatch):
    t = Tournament.model_validate({"games": [{"name": "tic_tac_toe"}], "players": [{"type": "random"}, {"type": "random", "name": "r2"}]})
    monkeypatch.delenv("ARENA_RESULTS_ROOT", raising=False)
    monkeypatch.delenv("ARENA_SUBMITTED_JOB", raising=False)
    assert with_results_root(t).output_dir == "results"
    monkeypatch.setenv("ARENA_SUBMITTED_JOB", "1")
    assert with_results_root(t).output_dir.endswith("/arena-results/results")
    monkeypatch.setenv("ARENA_RESULTS_ROOT", "s3://bucket/arena/")
    assert with_results_root(t).output_dir == "s3://bucket/arena/results"
    absolute = t.model_copy(update={"output_dir": "/data/x"})
    assert with_results_root(absolute).output_dir == "/data/x"
