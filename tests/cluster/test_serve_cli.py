"""`arena serve up|status|down` on a separately started Ray cluster, reused by `arena run`."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
TINY = ROOT / "models" / "tiny-llama"
pytestmark = pytest.mark.vllm


def test_long_lived_application_is_reused_and_removed(tmp_path):
    if not (TINY / "config.json").exists():
        subprocess.run([sys.executable, "-m", "backends.vllm.tiny_model", str(TINY)], check=True, cwd=ROOT)
    (tmp_path / "vllm_models.yaml").write_text(f"models:\n  - name: vllm_tiny\n    model_path: {TINY}\n"
                                               "    max_model_len: 2048\n    engine_kwargs: {enforce_eager: true}\n")
    (tmp_path / "t.yaml").write_text("""
name: reuse
output_dir: out
vllm_models: vllm_models.yaml
serve: {app_name: arena-shared}
games: [{name: tic_tac_toe}]
players: [{type: llm, model: vllm_tiny, constrain_moves: true, max_tokens: 8}, {type: random}]
episodes_per_pairing: 2
""")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    env.update(RAY_AUTH_MODE="disabled", COLUMNS="200")
    ray = str(Path(sys.executable).parent / "ray")

    def arena(*args):
        return subprocess.run([sys.executable, "-m", "arena.cli", *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=600)

    # Its own head node in its own process group, stopped by signal: `ray stop` would stop every Ray
    # on the machine, this test session's embedded one included.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"127.0.0.1:{port}"
    head = subprocess.Popen([ray, "start", "--head", "--block", "--num-cpus", "8", "--include-dashboard", "false",
                             "--port", str(port), "--node-ip-address", "127.0.0.1"], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while subprocess.run([ray, "status", "--address", address], env=env, capture_output=True).returncode != 0:
        assert head.poll() is None and time.monotonic() < deadline, "the Ray head did not start"
        time.sleep(1)
    try:
        assert arena("serve", "status", "t.yaml", "--address", address).returncode == 1
        up = arena("serve", "up", "t.yaml", "--address", address)
        assert up.returncode == 0 and "arena-shared is healthy" in up.stdout, up.stderr[-2000:]
        run = arena("run", "t.yaml", "--address", address, "--no-progress")
        assert run.returncode == 0, run.stderr[-2000:]
        assert "serve: using the running application arena-shared" in run.stderr
        assert "played 2 episodes (0 errors)" in run.stderr
        assert arena("serve", "status", "t.yaml", "--address", address).returncode == 0  # still up after the run
        down = arena("serve", "down", "t.yaml", "--address", address)
        assert down.returncode == 0 and "arena-shared removed" in down.stdout
        assert arena("serve", "status", "t.yaml", "--address", address).returncode == 1
    finally:
        os.killpg(head.pid, signal.SIGTERM)
        try:
            head.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)


def test_serve_without_a_cluster_is_a_one_line_error(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    (tmp_path / "t.yaml").write_text("games: [{name: tic_tac_toe}]\nplayers: [{type: random}, {type: random, name: b}]\n")
    done = subprocess.run([sys.executable, "-m", "arena.cli", "serve", "up", "t.yaml"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.strip().count("\n") == 0 and "--address" in done.stderr
