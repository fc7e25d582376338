"""`arena submit` against a real local Ray cluster (a CPU-less head with the job API, one worker node)
started with token authentication: refused without the token or with a wrong one, run with it, from any folder."""

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
    job_id = out.stdout.split("as job ", 1)[1].split()[0]
    assert f"ray job logs --follow {job_id} --address {cluster.dashboard_url}" in out.stdout


def test_a_config_in_any_folder_travels_with_its_models_file(token_cluster, tmp_path):
    """The researcher's own folder, outside the project, a relative config path, a models file beside it that the
    cluster does not have, an override: all of it reaches the job; the nodes run the installed project."""
    sys.path.insert(0, str(ROOT / "tests" / "backends"))
    from openai_server import start_server

    cluster, token, results = token_cluster
    mine = tmp_path / "my-study"
    mine.mkdir()
    with start_server(latency_ms=5, seed=3) as server:
        (mine / "my_models.yaml").write_text(f"models:\n  - name: litellm_hosted_vllm/test-model\n"
                                             f"    api_base: {server.url}\n")
        (mine / "study.yaml").write_text("""
name: anywhere
output_dir: results
litellm_models: my_models.yaml
games: [{name: tic_tac_toe}]
players:
  - {type: llm, model: litellm_hosted_vllm/test-model}
  - {type: random}
episodes_per_pairing: 10
""")
        out = subprocess.run([sys.executable, "-m", "arena.cli", "submit", "my-study/study.yaml", "--address",
                              cluster.dashboard_url, "--wait", "--override", "episodes_per_pairing=4"],
                             env=clean_env(HOME=str(tmp_path), RAY_AUTH_TOKEN=token), cwd=tmp_path,
                             capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "submitted anywhere as job" in out.stdout and "with litellm_models.yaml" in out.stdout
    ids = raw_episode_ids(results / "results" / "anywhere")
    assert len(ids) == len(set(ids)) == 4  # the override, applied before the file travelled
    assert "played 4 episodes (0 errors)" in out.stdout


def test_submit_prints_only_its_own_lines(token_cluster, tmp_path):
    cluster, token, _ = token_cluster
    out = submit(tmp_path, "--address", cluster.dashboard_url, "--override", "name=submitted_quiet",
                 RAY_AUTH_TOKEN=token)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = (out.stdout + out.stderr).strip().splitlines()
    assert [line.split(":")[0].removeprefix("submitted ").split(" as job")[0] for line in lines] == [
        "submitted_quiet", "results", "follow it", "status", "stop it", "fetch it"], lines
    assert "ray rsync-down ray_cluster.yaml ~/arena-results/results/submitted_quiet ./submitted_quiet" in out.stdout


def test_dev_submission_runs_this_checkouts_code(token_cluster, tmp_path):
    cluster, token, results = token_cluster
    out = submit(tmp_path, "--address", cluster.dashboard_url, "--wait", "--dev", "--override", "name=submitted_dev",
                 "--override", "quality=false", RAY_AUTH_TOKEN=token)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "and this checkout's code" in out.stdout and f"played {SCHEDULED} episodes (0 errors)" in out.stdout
    assert len(raw_episode_ids(results / "results" / "submitted_dev")) == SCHEDULED


def test_the_job_folder_holds_the_resolved_tournament_and_no_secrets(tmp_path):
    from cluster.job_folder import build_job_folder

    (tmp_path / ".env").write_text("OPENAI_API_KEY=sk-never-uploaded\n")
    (tmp_path / "m.yaml").write_text("models:\n  - name: litellm_openai/gpt-4o-mini\n")
    (tmp_path / "t.yaml").write_text((ROOT / CONFIG).read_text() + "litellm_models: m.yaml\n")
    job = tmp_path / "job"
    job.mkdir()
    built = build_job_folder(str(tmp_path / "t.yaml"), ["episodes_per_pairing=8"], job)
    assert sorted(p.name for p in job.iterdir()) == ["litellm_models.yaml", "tournament.yaml"]
    assert built.tournament.episodes_per_pairing == 8 and built.tournament.litellm_models == str(job / "litellm_models.yaml")
    dev = tmp_path / "dev"
    dev.mkdir()
    build_job_folder(str(tmp_path / "t.yaml"), [], dev, dev=True)
    assert {"arena", "backends", "cluster", "configs"} <= {p.name for p in dev.iterdir()}
    assert (dev / "cluster" / "job_folder.py").is_file() and not list(dev.rglob("__pycache__"))
    assert not [p for p in dev.rglob("*") if p.is_file() and "sk-never-uploaded" in p.read_text(errors="ignore")]


@pytest.mark.parametrize("models,expected", [
    ("vllm_models: missing.yaml\n", "vllm_models: no such models file"),
    ("vllm_models: v.yaml\n", "model_path ../weights is relative; a submitted vllm models file needs"),
])
def test_a_bad_referenced_file_is_one_line_before_anything_is_submitted(tmp_path, models, expected):
    (tmp_path / "v.yaml").write_text("models:\n  - name: vllm_mine\n    model_path: ../weights\n")
    config = tmp_path / "t.yaml"
    config.write_text((ROOT / CONFIG).read_text() + models)
    out = subprocess.run([sys.executable, "-m", "arena.cli", "submit", str(config), "--address", "http://127.0.0.1:9"],
                         env=clean_env(HOME=str(tmp_path)), cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and expected in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_the_jobs_command_carries_the_run_flags():
    from cluster.submit import entrypoint

    assert entrypoint(extend=True, over_budget=True) == "arena run tournament.yaml --extend --over-budget"
    assert entrypoint() == "arena run tournament.yaml"
