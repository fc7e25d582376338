"""The quality table on disk: part files, reading back, and the keys a resumed run skips by."""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa
import pytest

from arena.quality.base import QUALITY
from arena.quality.evaluate import MOVE_COLUMNS, build_episodes, evaluate_episodes, evaluate_plays, finished_plays
from arena.quality.pending import pending_plays
from arena.quality.settings import QualitySettings
from arena.quality.solver_eval import SolverEvaluator
from arena.quality.store import FOLDER, evaluated_plays, read_quality, write_part
from arena.results import load
from arena.results.reader import scan_moves

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "results"))
from played_folder import played_folder
from s3_server import s3_bucket

SETTINGS = QualitySettings()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return played_folder(tmp_path_factory.mktemp("store"), ["tic_tac_toe"], episodes_per_pairing=6, errors=2)


def test_nothing_evaluated_reads_as_an_empty_table_and_no_rows_write_no_file(tmp_path):
    assert read_quality(tmp_path).schema == QUALITY and read_quality(tmp_path).num_rows == 0
    assert write_part(tmp_path, QUALITY.empty_table()) is None
    assert not (tmp_path / FOLDER).exists()


def test_only_finished_plays_are_evaluated_and_a_rerun_resumes(folder):
    plays = finished_plays(folder)
    assert len(plays) == 4  # 6 scheduled, 2 errors
    first = pending_plays(folder, SETTINGS)
    assert first.kinds == {"tic_tac_toe": "solver"} and len(first.plays) == 4 and first.skipped == 0
    half = evaluate_plays(folder, first.plays.iloc[:2], first.kinds, SETTINGS)
    assert half.episodes == 2 and not half.failures
    part = write_part(folder, half.table)
    assert (Path(folder.path) / FOLDER / part).exists()
    assert not [p for p in (Path(folder.path) / FOLDER).iterdir() if p.name.startswith(".")]  # published whole
    assert evaluated_plays(folder, "solver", {"max_states": SETTINGS.max_states}) == set(first.plays["play_id"][:2])
    resumed = pending_plays(folder, SETTINGS)
    assert resumed.skipped == 2 and set(resumed.plays["play_id"]) == set(first.plays["play_id"][2:])
    assert len(load(folder).episodes) == 6  # the play tables read as before beside quality/


def test_other_settings_evaluate_again_and_keep_the_old_rows(folder):
    other = QualitySettings(max_states=500_000)
    assert evaluated_plays(folder, "solver", {"max_states": 500_000}) == set()
    again = pending_plays(folder, other)
    assert len(again.plays) == 4 and again.skipped == 0
    before = read_quality(folder).num_rows
    write_part(folder, evaluate_plays(folder, again.plays, again.kinds, other).table)
    table = read_quality(folder, ["settings"])
    assert table.num_rows > before and set(table["settings"].to_pylist()) == {
        '{"max_states": 1000000}', '{"max_states": 500000}'}
    assert pending_plays(folder, other).plays.empty


def test_an_episode_that_does_not_replay_gives_no_rows_and_one_reason(folder):
    plays = finished_plays(folder).iloc[:2]
    moves = pa.Table.from_batches(list(scan_moves(folder, plays=plays["play_id"], columns=MOVE_COLUMNS))).to_pandas()
    episodes = build_episodes(plays, moves)
    first = episodes[0].moves
    first.loc[first["move_number"] == 1, "action"] = first.loc[first["move_number"] == 0, "action"].iloc[0]  # taken
    batch = evaluate_episodes(episodes, lambda e: SolverEvaluator())
    assert batch.episodes == 1 and len(batch.failures) == 1
    assert episodes[0].episode_id in batch.failures[0] and "not legal" in batch.failures[0]
    assert set(pa.compute.unique(batch.table["play_id"]).to_pylist()) == {episodes[1].play_id}  # none invented


def test_an_object_store_folder_is_evaluated_and_resumed_the_same_way():
    with s3_bucket() as uri:
        root = played_folder(uri, ["tic_tac_toe"], episodes_per_pairing=2)
        pending = pending_plays(root, SETTINGS)
        assert write_part(root, evaluate_plays(root, pending.plays, pending.kinds, SETTINGS).table)
        assert len(evaluated_plays(root, "solver", {"max_states": SETTINGS.max_states})) == 2
        assert pending_plays(root, SETTINGS).skipped == 2


def test_a_missing_engine_is_one_line_and_the_other_games_are_still_evaluated(tmp_path):
    import asyncio

    from arena.config import Tournament
    from arena.results.location import ResultsDir
    from arena.results.writer import write_parts
    from arena.schedule import episodes
    from arena.shard import play_shard

    t = Tournament.model_validate({"name": "q", "output_dir": str(tmp_path), "max_moves": 6, "episodes_per_pairing": 2,
                                   "games": [{"name": "chess"}, {"name": "tic_tac_toe"}],
                                   "players": [{"type": "random"}, {"type": "random", "name": "other"}]})
    root = ResultsDir(tmp_path).child("q")
    write_parts(root, asyncio.run(play_shard(t, list(episodes(t)))))
    pending = pending_plays(root, QualitySettings(engine="no-such-chess-engine"))
    assert len(pending.unavailable) == 1 and "no-such-chess-engine" in pending.unavailable[0]
    assert "\n" not in pending.unavailable[0] and "not found" in pending.unavailable[0]
    assert set(pending.plays["game"]) == {"tic_tac_toe"}
