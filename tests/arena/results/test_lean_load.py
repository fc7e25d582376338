"""The lean load and the moves scan: the same rows as a full load, for retried episodes and parts written twice."""

from __future__ import annotations

import asyncio
import shutil
from datetime import datetime, timedelta, timezone

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from arena.config import Tournament
from arena.episode import EpisodeLog
from arena.results import load
from arena.results.reader import LEAN_COLUMNS, PlaySet, scan_moves
from arena.results.rows import ResultsBuilder
from arena.results.schema import EpisodeStatus
from arena.results.writer import write_parts
from arena.schedule import episodes
from arena.shard import play_shard

T = Tournament.model_validate({
    "name": "lean", "games": [{"name": "tic_tac_toe"}, {"name": "kuhn_poker"}], "episodes_per_pairing": 4,
    "players": [{"type": "random"}, {"type": "mcts", "simulations": 3}, {"type": "random", "name": "other"}],
})


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Every episode failed once an hour ago; then played; one part written twice."""
    root = tmp_path_factory.mktemp("lean")
    specs = list(episodes(T))
    failed = ResultsBuilder(T)
    for s in specs:
        failed.add(s, EpisodeLog(status=EpisodeStatus.ERROR, reason="boom"),
                   datetime.now(timezone.utc) - timedelta(hours=1), 0)
    write_parts(root, failed.tables())
    played = asyncio.run(play_shard(T, specs[3:]))
    part = write_parts(root, played)
    for table in ("moves", "seats", "episodes"):
        shutil.copy(root / table / part, root / table / f"part-again{part[5:]}")
    return root


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    frame = frame.astype({c: str for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)})
    return frame.sort_values(keys).reset_index(drop=True)


def test_lean_load_holds_the_same_winning_rows_as_a_full_load(folder):
    full, lean = load(folder), load(folder, moves=False, lean=True)
    assert len(lean.episodes) == len(full.episodes) == len(list(episodes(T)))
    assert sorted(lean.episodes["status"].astype(str)) == sorted(full.episodes["status"])
    columns = [c for c in LEAN_COLUMNS["episodes"] if c != "first_seat"]
    pd.testing.assert_frame_equal(_sorted(lean.episodes[columns], ["episode_id"]),
                                  _sorted(full.episodes[columns], ["episode_id"]), check_dtype=False)
    columns = [c for c in LEAN_COLUMNS["seats"] if c != "first_mover"]
    pd.testing.assert_frame_equal(_sorted(lean.seats[columns], ["episode_id", "seat"]),
                                  _sorted(full.seats[columns], ["episode_id", "seat"]), check_dtype=False)
    rows = lean.seats["episode_row"].to_numpy()
    assert (lean.episodes["episode_id"].to_numpy()[rows] == lean.seats["episode_id"].to_numpy()).all()
    assert lean.moves.empty and lean.seats["player"].dtype == "category"


def test_scanned_moves_of_chosen_plays_are_exactly_theirs(folder):
    full = load(folder)
    plays = full.episodes["play_id"].iloc[::2]
    scanned = pa.Table.from_batches(list(scan_moves(folder, plays=plays, columns=["play_id", "move_number", "seat",
                                                                                     "attempt"]))).to_pandas()
    expected = full.moves[full.moves["play_id"].isin(plays)][["play_id", "move_number", "seat", "attempt"]]
    keys = ["play_id", "move_number", "seat", "attempt"]
    assert set(scanned["play_id"]) == set(expected["play_id"]) and len(scanned) == 2 * len(expected)  # a part twice
    pd.testing.assert_frame_equal(_sorted(scanned.drop_duplicates(), keys), _sorted(expected, keys), check_dtype=False)
    illegal = list(scan_moves(folder, plays=plays, columns=["move_number"], where=pa.compute.field("legal") == False))  # noqa: E712
    assert sum(b.num_rows for b in illegal) == 0  # scripted players never answer illegally
    assert list(scan_moves(folder, plays=[], columns=["play_id"])) == []


@given(st.lists(st.text(max_size=40), max_size=30), st.lists(st.text(max_size=50), max_size=30))
def test_play_set_membership_is_exact(members, probes):
    found = PlaySet(members).contains(pa.array(probes + members, pa.string())).to_pylist()
    assert found == [p in set(members) for p in probes + members]


def test_winning_plays_of_a_frame_filtered_before_take_its_rows_by_position(folder):
    """load(definition=...) filters the episodes first: their index labels are no longer positions."""
    from arena.results.reader import _winning_plays

    episodes = load(folder).episodes
    shifted = episodes.set_axis(range(1000, 1000 + len(episodes)))
    assert sorted(_winning_plays(shifted)["episode_id"]) == sorted(episodes["episode_id"])
