"""Results on an object store (a local S3 over HTTP): parts, manifest, resume and load through pyarrow's S3."""

import asyncio
import json
import sys
from pathlib import Path

import pyarrow.fs as pafs
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from s3_server import s3_bucket  # noqa: E402

from arena.config import Tournament  # noqa: E402
from arena.results import completed_episode_ids, load  # noqa: E402
from arena.results.location import ResultsDir  # noqa: E402
from arena.results.manifest import Manifest  # noqa: E402
from arena.results.writer import write_parts  # noqa: E402
from arena.schedule import episodes  # noqa: E402
from arena.shard import play_shard  # noqa: E402

T = Tournament.model_validate({"name": "s3", "games": [{"name": "tic_tac_toe"}],
                               "players": [{"type": "random"}, {"type": "random", "name": "r2"}],
                               "episodes_per_pairing": 6})


@pytest.fixture(scope="module")
def bucket():
    with s3_bucket() as uri:
        yield uri


def test_parts_and_manifest_round_trip_through_s3(bucket):
    root = ResultsDir(bucket).child("round-trip")
    assert str(root) == "s3://arena-results/results/round-trip"  # endpoint query kept out of what is shown
    assert not root.exists() and completed_episode_ids(root) == set()
    specs = list(episodes(T))
    manifest = Manifest(root, T)  # opened (and the folder checked) before anything is written, as the driver does
    write_parts(root, asyncio.run(play_shard(T, specs[:4])))
    write_parts(root, asyncio.run(play_shard(T, specs[4:])))
    manifest.save("finished", played=len(specs))
    assert completed_episode_ids(root) == {s.episode_id for s in specs}
    r = load(f"{bucket.split('?')[0]}/round-trip?{bucket.split('?')[1]}")
    assert len(r.episodes) == len(specs) and len(r.seats) == 2 * len(specs) and len(r.moves) > 0
    manifest = json.loads(root.read_text("manifest.json"))
    assert manifest["status"] == "finished" and manifest["runs"] == 1
    assert Manifest(root, T).data["runs"] == 2  # a second run reads the first one's manifest back
    # objects are written under their final names: no temporary objects to leave behind
    listed = root.fs.get_file_info(pafs.FileSelector(root.path, recursive=True))
    assert not [i.path for i in listed if Path(i.path).name.startswith(".")]


def test_a_bad_uri_is_one_clear_error():
    with pytest.raises(ValueError, match="output_dir nosuchfs://x"):
        ResultsDir("nosuchfs://x/results")


def test_report_reads_an_object_store_and_never_prints_the_uri_query(bucket, tmp_path, capsys, monkeypatch):
    from arena.report.command import report_command

    root = ResultsDir(bucket).child("reported")
    write_parts(root, asyncio.run(play_shard(T, list(episodes(T)))))
    uri = f"{bucket.split('?')[0]}/reported?{bucket.split('?')[1]}"
    monkeypatch.chdir(tmp_path)
    assert report_command(uri, rounds=50) == 0
    out = capsys.readouterr().out
    assert "Leaderboard: s3" in out and "endpoint_override" not in out
    assert (tmp_path / "reported-report" / "report.html").exists()  # ./NAME-report for a URI
