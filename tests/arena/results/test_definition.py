"""A results folder holds one tournament definition: resume, refuse, or extend on purpose; never mix.
A folder of another format version is refused."""

import asyncio
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from arena.config import Tournament
from arena.results import completed_episode_ids, load
from arena.results.definition import definition, differences, not_an_extension
from arena.results.folder import ResultsMismatch, check_definition
from arena.results.location import ResultsDir
from arena.results.manifest import Manifest
from arena.results.writer import write_parts
from arena.schedule import episodes
from arena.shard import play_shard

BASE = {"name": "defs", "games": [{"name": "tic_tac_toe"}], "episodes_per_pairing": 2,
        "players": [{"type": "random"}, {"type": "mcts", "simulations": 3}]}


def tournament(**changes) -> Tournament:
    return Tournament.model_validate({**BASE, **changes})


def run(root: ResultsDir, t: Tournament, extend: bool = False) -> None:
    """What the driver does: open the manifest (which checks the folder), write, save."""
    manifest = Manifest(root, t, extend)
    done = completed_episode_ids(root)
    write_parts(root, asyncio.run(play_shard(t, [s for s in episodes(t) if s.episode_id not in done])))
    manifest.save("finished")


def listing(path) -> dict:
    return {str(p.relative_to(path)): p.stat().st_mtime_ns for p in sorted(path.rglob("*"))}


def test_same_definition_resumes_and_operational_settings_may_change(tmp_path):
    root = ResultsDir(tmp_path)
    run(root, tournament())
    again = tournament(max_in_flight=3, shard_size=7, log_level="DEBUG", output_dir="elsewhere", budget_usd=5.0)
    assert check_definition(root, again) == (json.loads((tmp_path / "manifest.json").read_text()), [])


def test_changed_player_is_refused_with_one_line_and_nothing_is_touched(tmp_path):
    root = ResultsDir(tmp_path)
    run(root, tournament())
    before = listing(tmp_path)
    changed = tournament(players=[{"type": "random"}, {"type": "mcts", "simulations": 3, "uct_c": 1.0}])
    with pytest.raises(ResultsMismatch) as refused:
        Manifest(root, changed)
    message = str(refused.value)
    assert "\n" not in message and "players.mcts_3.uct_c: 2.0 -> 1.0" in message
    assert "new name" in message and "--extend" in message
    with pytest.raises(ResultsMismatch, match="only adds players, games or episodes"):
        Manifest(root, changed, extend=True)  # a changed player is not an extension
    assert listing(tmp_path) == before


def test_extension_adds_players_and_episodes_and_is_recorded(tmp_path):
    root = ResultsDir(tmp_path)
    run(root, tournament())
    bigger = tournament(episodes_per_pairing=4, players=BASE["players"] + [{"type": "random", "name": "r2"}])
    with pytest.raises(ResultsMismatch):
        Manifest(root, bigger)
    run(root, bigger, extend=True)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert [h["changes"] for h in manifest["history"]] == [
        ["created"], ["players: added r2", "episodes_per_pairing: 2 -> 4"]]
    r = load(tmp_path)
    assert len(r.episodes) == 12  # the first run's 2, kept, and the extension's 10 new ones
    assert set(r.episodes["definition_id"]) == {h["definition_id"] for h in manifest["history"]}


@pytest.mark.parametrize("change, refused", [
    ({"seed": 7}, "seed: 42 -> 7"),
    ({"games": [{"name": "tic_tac_toe", "max_moves": 3}]}, "games.tic_tac_toe.max_moves: null -> 3"),
    ({"players": [{"type": "mcts", "simulations": 3}, {"type": "random"}, {"type": "random", "name": "r3"}],
      "format": "match"}, "format"),
])
def test_what_extend_cannot_take(change, refused):
    old, new = definition(tournament()), definition(tournament(**change))
    assert any(refused in line for line in not_an_extension(old, new)), not_an_extension(old, new)


def test_fewer_episodes_or_a_removed_player_is_not_an_extension():
    three = tournament(players=BASE["players"] + [{"type": "random", "name": "r2"}], episodes_per_pairing=4)
    assert not_an_extension(definition(three), definition(tournament())) == [
        "players: removed r2", "episodes_per_pairing: 4 -> 2"]
    assert differences(definition(tournament()), definition(tournament())) == []


def test_load_refuses_episodes_of_two_definitions_it_has_no_record_of(tmp_path):
    root = ResultsDir(tmp_path)
    run(root, tournament())
    other = tournament(seed=9)
    write_parts(root, asyncio.run(play_shard(other, list(episodes(other)))))  # as if copied in by hand
    with pytest.raises(ResultsMismatch, match="does not record"):
        load(tmp_path)
    assert len(load(tmp_path, definition=json.loads((tmp_path / "manifest.json").read_text())["definition_id"])
               .episodes) == 2


def test_a_folder_of_another_format_version_is_refused_when_read_or_resumed(tmp_path):
    root = ResultsDir(tmp_path)
    run(root, tournament())
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    (tmp_path / "manifest.json").write_text(json.dumps({**manifest, "schema_version": 1}))
    with pytest.raises(ResultsMismatch, match="format version 1"):
        load(tmp_path)
    with pytest.raises(ResultsMismatch, match="format version 1"):
        Manifest(root, tournament())


def test_old_parts_without_a_manifest_are_refused(tmp_path):
    episodes_dir = tmp_path / "episodes"
    episodes_dir.mkdir()
    pq.write_table(pa.table({"episode_id": ["a"], "schema_version": pa.array([1], pa.int16())}),
                   episodes_dir / "part-old.parquet")
    with pytest.raises(ResultsMismatch, match="format version 1"):
        Manifest(ResultsDir(tmp_path), tournament())
