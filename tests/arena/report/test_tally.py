"""Standings counted a chunk of episodes at a time, from a lean load, equal the standings of everything at once."""

from __future__ import annotations

import asyncio

import pandas as pd
import pytest

from arena.config import Tournament
from arena.ratings.synthetic import synthetic_results
from arena.report import standings
from arena.report.latency import call_latency
from arena.report.tables import _latency, select_game
from arena.results import load
from arena.results.reader import Results
from arena.results.writer import write_parts
from arena.schedule import episodes
from arena.shard import play_shard


def same(a, b) -> None:
    for x, y in [(a.leaderboard, b.leaderboard), (a.pairwise, b.pairwise), (a.seat_advantage, b.seat_advantage)]:
        pd.testing.assert_frame_equal(x.reset_index(drop=True), y.reset_index(drop=True), check_dtype=False,
                                      check_categorical=False, rtol=1e-12)
    assert a.anchor == b.anchor and a.not_rated == b.not_rated


@pytest.fixture(scope="module")
def three_player_dir(tmp_path_factory):
    """A real match of three players on three-player Kuhn poker: three comparisons per episode."""
    t = Tournament.model_validate({
        "name": "three", "format": "match", "num_episodes": 40, "seed": 3,
        "games": [{"name": "kuhn_poker", "params": {"players": 3}}],
        "players": [{"type": "random", "name": f"r{i}"} for i in range(3)]})
    root = tmp_path_factory.mktemp("three") / t.name
    write_parts(root, asyncio.run(play_shard(t, episodes(t))))
    return root


@pytest.mark.parametrize("chunk", [1, 7, 1000])
def test_chunked_standings_equal_one_chunk(results_dir, three_player_dir, chunk):
    forfeits = synthetic_results({"random": 0.0, "a": 200.0, "b": 250.0}, 300, seed=2, games=("g1", "g2"),
                                 forfeit_rate=0.1, illegal_per_decision=0.05, llm_players=("a", "b"))
    for r in [load(results_dir), load(three_player_dir), forfeits]:
        whole = standings(r, rounds=30, seat_advantage=True, chunk_episodes=10**9)
        same(standings(r, rounds=30, seat_advantage=True, chunk_episodes=chunk), whole)


def test_lean_load_gives_the_same_standings_with_latency_streamed_from_the_moves(results_dir):
    full = load(results_dir)
    lean = load(results_dir, moves=False, lean=True)
    assert lean.moves.empty and "player_spec" in lean.seats and "opponents" not in lean.seats
    assert lean.seats["player"].dtype == "category" and len(lean.seats) == len(full.seats)
    streamed = call_latency(results_dir, lean.episodes["play_id"])
    pd.testing.assert_frame_equal(streamed.sort_values(["scope", "player"]).reset_index(drop=True),
                                  _latency(full).sort_values(["scope", "player"]).reset_index(drop=True),
                                  check_dtype=False, rtol=1e-12)
    same(standings(lean, rounds=30, latency=streamed), standings(full, rounds=30))


def test_a_lean_load_filtered_afterwards_is_counted_by_its_own_rows(results_dir):
    """The seats' episode_row points into the episodes frame as loaded: after a filter the tally must notice."""
    lean = load(results_dir, moves=False, lean=True)
    full = load(results_dir)
    keep = lean.episodes["episode_id"].iloc[::3]
    filtered = Results(lean.episodes[lean.episodes["episode_id"].isin(keep)].reset_index(drop=True),
                       lean.seats[lean.seats["episode_id"].isin(keep)], lean.moves)
    expected = Results(full.episodes[full.episodes["episode_id"].isin(keep)],
                       full.seats[full.seats["episode_id"].isin(keep)], full.moves.iloc[:0])
    same(standings(filtered, rounds=20), standings(expected, rounds=20))
    one_game = select_game(lean, "kuhn_poker")
    assert (one_game.episodes["episode_id"].take(one_game.seats["episode_row"]).to_numpy()
            == one_game.seats["episode_id"].to_numpy()).all()
    without_moves = Results(full.episodes, full.seats, full.moves.iloc[:0])  # the lean load has no latency either
    same(standings(one_game, rounds=20), standings(select_game(without_moves, "kuhn_poker"), rounds=20))
