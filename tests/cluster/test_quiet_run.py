"""`arena run` prints only its own lines; Ray's, Serve's and the workers' go to arena.log in the results folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

NOISE = re.compile(r'\{"asctime"|pid=|Token authentication|WARNING|INFO|Triton|Traceback')

SMALL = """
name: small
format: round_robin
games: [{name: tic_tac_toe}]
players: [{type: random}, {type: mcts, simulations: 20}]
episodes_per_pairing: 2
output_dir: out
"""


def _run(tmp_path: Path, *args: str, **env_extra: str) -> subprocess.CompletedProcess:
    # No RAY_* from the caller: the embedded Ray's authentication is the one `arena run` chooses.
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    env.update(COLUMNS="100", HOME=str(tmp_path / "home"), **env_extra)
    (tmp_path / "t.yaml").write_text(SMALL)
    return subprocess.run([sys.executable, "-m", "arena.cli", "run", "t.yaml", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)


def _lines(done: subprocess.CompletedProcess) -> list[str]:
    return [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]


def test_a_small_run_prints_at_most_12_lines_and_logs_the_rest_to_its_folder(tmp_path):
    done = _run(tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = _lines(done)
    assert len(lines) <= 12, "\n".join(lines)
    assert not [line for line in lines if NOISE.search(line)], "\n".join(lines)
    log = tmp_path / "out" / "small" / "arena.log"
    assert f"log to {Path('out') / 'small' / 'arena.log'}" in done.stderr.splitlines()[0]  # its path, printed once
    text = log.read_text()
    assert "cluster.driver" in text and "2 scheduled" in text  # the driver's own log records
    # Worker lines streamed by Ray land there too: tests/cluster/test_vllm_tournament.py checks the replicas'.
    assert (tmp_path / "home" / ".ray" / "auth_token").exists()  # token authentication, chosen deliberately


def test_verbose_shows_the_logs_live(tmp_path):
    done = _run(tmp_path, "--verbose", "--no-progress", RAY_AUTH_MODE="disabled")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "cluster.driver: small: 2 scheduled" in done.stderr


@pytest.mark.parametrize("line", ["RAY_AUTH_MODE=disabled"])
def test_an_auth_mode_the_user_set_is_kept(tmp_path, line):
    done = _run(tmp_path, "--no-progress", RAY_AUTH_MODE="disabled")
    assert done.returncode == 0, done.stderr[-3000:]
    assert not (tmp_path / "home" / ".ray" / "auth_token").exists()
