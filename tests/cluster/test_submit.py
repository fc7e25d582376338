"""`arena submit` against a real local Ray cluster (a CPU-less head with the job API, one worker node)
started with token authentication: refused without the token or with a wrong one, run with it."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from multinode import ROOT, LocalCluster, clean_env, raw_episode_ids

CONFIG = "tests/cluster/configs/submitted.yaml"
SCHEDULED = 2 * 3 * 4  # games x pairs x episodes_per_pairing


@pytest.fixture(scope="module")
def token_cluster(tmp_path_factory):
    results = tmp_path_factory.mktemp("cluster-results")
    token = secrets.token_hex(16)
    path = f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"  # `arena` for the job's entrypoint
    cluster = LocalCluster(head_cpus=0, workers=(2,), dashboard=True, RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=token,
                           ARENA_RESULTS_ROOT=str(results), PATH=path)
    try:
        yield cluster, token, results
    finally:
        cluster.shutdown()


def submit(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    # HOME elsewhere: no ~/.ray/auth_token of this machine's user is picked up by accident.
    return subprocess.run([sys.executable, "-m", "arena.cli", "submit", CONFIG, *args],
                          env=clean_env(HOME=str(home), **env), cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_submission_without_the_token_is_refused(token_cluster, tmp_path):
    cluster, _, _ = token_cluster
    out = submit(tmp_path, "--address", cluster.dashboard_url)
    assert out.returncode == 2, out.stdout + out.stderr
    assert out.stderr.count("\n") == 1 and "requires a Ray auth token and none was found" in out.stderr


def test_a_wrong_token_is_refused_and_never_printed(token_cluster, tmp_path):
    cluster, _, _ = token_cluster
    wrong = secrets.token_hex(16)
    out = submit(tmp_path, "--address", cluster.dashboard_url, RAY_AUTH_TOKEN=wrong)
    assert out.returncode == 2 and "refused the Ray auth token from RAY_AUTH_TOKEN" in out.stderr, out.stderr
    assert wrong not in out.stdout + out.stderr


def test_submit_wait_plays_the_tournament_on_the_cluster(token_cluster, tmp_path):
    cluster, token, results = token_cluster
    token_file = tmp_path / "token"
    token_file.write_text(token + "\n")
    out = submit(tmp_path, "--address", cluster.dashboard_url, "--wait", "--override", "episodes_per_pairing=4",
                 RAY_AUTH_TOKEN_PATH=str(token_file))
    print(out.stdout[-3000:])
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "submitted submitted as job" in out.stdout and "SUCCEEDED" in out.stdout
    assert f"played {SCHEDULED} episodes (0 errors)" in out.stdout  # the job's own log, followed
    ids = raw_episode_ids(results / "results" / "submitted")  # output_dir "results" under ARENA_RESULTS_ROOT
    assert len(ids) == len(set(ids)) == SCHEDULED
    assert "Move quality: tic_tac_toe (solver)" in out.stdout  # quality: true, computed in the job
    assert list((results / "results" / "submitted" / "quality").glob("part-*.parquet"))
    assert token not in out.stdout + out.stderr


def test_an_adaptive_schedule_runs_as_a_job(token_cluster, tmp_path):
    cluster, token, results = token_cluster
    out = submit(tmp_path, "--address", cluster.dashboard_url, "--wait", "--override", "name=submitted_adaptive",
                 "--override", "quality=false", "--override", "schedule.mode=adaptive",
                 "--override", "schedule.target_ci=250", "--override", "schedule.max_episodes=120",
                 RAY_AUTH_TOKEN=token)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "schedule: round 1: 24 episodes (24 to fill) to 3 pairings in 2 games" in out.stdout and "schedule: stopped: " in out.stdout
    record = json.loads((results / "results" / "submitted_adaptive" / "schedule.json").read_text())
    assert record["stop"]["reason"] and record["rounds"][0]["episodes"] == 24
    ids = raw_episode_ids(results / "results" / "submitted_adaptive")
    assert len(ids) == len(set(ids)) == sum(r["episodes"] for r in record["rounds"])


def test_submit_returns_at_once_with_the_commands_to_follow_the_job(token_cluster, tmp_path):
    cluster, token, _ = token_cluster
    out = submit(tmp_path, "--address", cluster.dashboard_url, RAY_AUTH_TOKEN=token)
    assert out.returncode == 0, out.stderr[-2000:]
    job_id = out.stdout.split("as job ", 1)[1].split(":", 1)[0]
    assert f"ray job logs --follow {job_id} --address {cluster.dashboard_url}" in out.stdout


def test_config_outside_the_project_is_a_clear_error(tmp_path):
    config = tmp_path / "t.yaml"
    config.write_text((ROOT / CONFIG).read_text())
    out = subprocess.run([sys.executable, "-m", "arena.cli", "submit", str(config), "--address", "http://127.0.0.1:9"],
                         env=clean_env(HOME=str(tmp_path)), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "must be inside the project folder" in out.stderr


def test_the_jobs_command_carries_the_run_flags():
    from cluster.submit import entrypoint

    command = entrypoint(str(ROOT / "configs" / "demo.yaml"), ["seed=3"], extend=True, over_budget=True)
    assert command == "arena run configs/demo.yaml --override seed=3 --extend --over-budget"
