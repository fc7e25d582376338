"""`arena quality` and `quality: true` on real Ray, from the command line, on a tournament `arena run` played."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from arena.cli import main
from arena.quality.store import read_quality

TOURNAMENT = """
name: q
games: [{name: tic_tac_toe}]
players: [{type: random}, {type: mcts, simulations: 10}, {type: solver}]
episodes_per_pairing: 4
output_dir: out
quality: true
"""
EPISODES = 3 * 4


def _arena(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    env.update(COLUMNS="120", HOME=str(tmp_path / "home"), RAY_AUTH_MODE="disabled")
    return subprocess.run([sys.executable, "-m", "arena.cli", *args], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)


def _optimal(document: dict) -> dict[str, float]:
    return {r["player"]: r["value"] for r in document["summary"] if r["metric"] == "optimal_pct"}


def test_quality_in_the_run_then_the_command_resumes_and_evaluates_other_settings_on_ray(tmp_path):
    (tmp_path / "t.yaml").write_text(TOURNAMENT)
    played = _arena(tmp_path, "run", "t.yaml", "--no-progress")
    assert played.returncode == 0, played.stderr[-3000:]
    assert "Move quality: tic_tac_toe (solver)" in played.stdout  # below the leaderboard, in the same run
    assert f"of {EPISODES} episodes" in played.stderr
    rows = read_quality(tmp_path / "out" / "q").num_rows
    assert rows > 0

    again = _arena(tmp_path, "quality", "out/q", "--json", "--no-progress")
    assert again.returncode == 0, again.stderr[-3000:]
    document = json.loads(again.stdout)  # nothing but the JSON document on stdout
    assert document["run"]["decisions"] == 0 and document["run"]["skipped"] == EPISODES
    assert document["run"]["workers"] == 0  # nothing left to evaluate: Ray was not started
    optimal = _optimal(document)
    assert optimal["solver"] == 100 and optimal["random"] < 100
    assert read_quality(tmp_path / "out" / "q").num_rows == rows

    other = _arena(tmp_path, "quality", "out/q", "--json", "--no-progress", "--workers", "2", "--max-states", "500000")
    assert other.returncode == 0, other.stderr[-3000:]
    document = json.loads(other.stdout)
    assert document["run"]["decisions"] == rows and document["run"]["episodes"] == EPISODES
    assert document["run"]["workers"] == 2 and document["run"]["failures"] == 0
    assert document["settings"]["max_states"] == 500_000 and _optimal(document)["solver"] == 100


def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    assert main(["quality", str(tmp_path / "missing")]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path / 'missing'}: no results folder there\n"
    assert main(["quality", str(tmp_path)]) == 2
    assert "no finished episodes to evaluate" in capsys.readouterr().err
    assert main(["quality", str(tmp_path), "--rounds", "-1"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert main(["quality", str(tmp_path), "--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err


@pytest.mark.parametrize("nodes, depth", [(5000, None)])
def test_a_node_limit_replaces_the_default_depth(nodes, depth):
    from arena.quality.settings import QualitySettings

    assert QualitySettings(nodes=nodes).depth == depth
    with pytest.raises(ValueError, match="not both"):
        QualitySettings(nodes=nodes, depth=10)
