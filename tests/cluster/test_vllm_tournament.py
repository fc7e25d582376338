"""vLLM on Ray Serve on CPU with the tiny random-weight model: one deployment, a mixed round robin.

Players: the vLLM model unconstrained and constrained to legal moves (through a Serve handle),
a litellm player reaching the same deployment over its OpenAI HTTP route (the mixed
API-vs-local tournament of the Board Game Arena documentation), and random.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).parents[2]
TINY = ROOT / "models" / "tiny-llama"
pytestmark = pytest.mark.vllm


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def table(root: Path, name: str) -> pd.DataFrame:
    return pd.concat([pq.read_table(f).to_pandas() for f in sorted((root / name).glob("part-*.parquet"))])


@pytest.fixture(scope="module")
def tiny_model():
    if not (TINY / "config.json").exists():  # `make test` builds it; a bare pytest run builds it here
        subprocess.run([sys.executable, "-m", "backends.vllm.tiny_model", str(TINY)], check=True, cwd=ROOT)
    return TINY


def test_mixed_round_robin_on_one_deployment(tmp_path, tiny_model):
    port = free_port()
    (tmp_path / "vllm_models.yaml").write_text(f"models:\n  - name: vllm_tiny\n    model_path: {tiny_model}\n"
                                               "    max_model_len: 2048\n    engine_kwargs: {enforce_eager: true}\n")
    (tmp_path / "litellm_models.yaml").write_text(
        f"models:\n  - name: litellm_hosted_vllm/tiny\n    api_base: http://127.0.0.1:{port}/arena-test/v1\n")
    (tmp_path / "t.yaml").write_text(f"""
name: mixed
output_dir: out
vllm_models: vllm_models.yaml
litellm_models: litellm_models.yaml
serve: {{app_name: arena-test, openai_route: true, port: {port}}}
games: [{{name: tic_tac_toe}}]
players:
  - {{type: llm, model: vllm_tiny, name: tiny_free, max_tokens: 12, max_illegal_attempts: 2}}
  - {{type: llm, model: vllm_tiny, name: tiny_choice, constrain_moves: true, max_tokens: 12}}
  - {{type: llm, model: vllm_tiny, name: tiny_json, constrain_moves: true, max_tokens: 300,
     backend_options: {{constraint: json}}}}
  - {{type: llm, model: litellm_hosted_vllm/tiny, name: tiny_http, constrain_moves: true, max_tokens: 12}}
  - {{type: random}}
episodes_per_pairing: 2
""")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    env.update(RAY_AUTH_MODE="disabled", COLUMNS="200")
    done = subprocess.run([sys.executable, "-m", "arena.cli", "run", "t.yaml", "--no-progress"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "serve: arena-test is healthy" in done.stderr
    # Quiet: Ray's, Serve's and vLLM's lines (JSON-formatted ones, worker-prefixed ones) are in arena.log only.
    printed = done.stdout + done.stderr
    for noise in ('{"asctime"', "pid=", "Triton", "WARNING", "Traceback"):
        assert noise not in printed, printed[-3000:]
    root = tmp_path / "out" / "mixed"
    assert "ServeReplica" in (root / "arena.log").read_text()  # the replicas' lines, streamed by Ray

    episodes, seats, moves = table(root, "episodes"), table(root, "seats"), table(root, "moves")
    assert len(episodes) == 10 * 2 and set(episodes.status) <= {"ok", "forfeit"} and len(seats) == 40
    by_player = seats.groupby("player")
    for constrained in ("tiny_choice", "tiny_http"):  # zero illegal attempts when decoding is constrained
        assert by_player.illegal_attempts.sum()[constrained] == 0 and by_player.forfeit.sum()[constrained] == 0
        asked = moves[moves.player == constrained]
        assert len(asked) > 0 and asked.legal.all() and (asked.prompt_tokens > 0).all()
        assert (asked.parser_path == "label_exact").all()
    as_json = moves[moves.player == "tiny_json"]  # the JSON-schema form: action from the enum, reasoning free
    assert len(as_json) > 0 and as_json.legal.all() and (as_json.parser_path == "json").all()
    free = moves[moves.player == "tiny_free"]
    # A random-weight model answers garbage: every attempt is a row, re-prompted once, then forfeits.
    assert (~free.legal).sum() == by_player.illegal_attempts.sum()["tiny_free"] > 0
    assert free.attempt.max() <= 2 and (free[~free.legal].error.str.len() > 0).all()  # each says why
    forfeits = episodes[episodes.status == "forfeit"]
    assert len(forfeits) == by_player.forfeit.sum()["tiny_free"] > 0
    assert set(seats[seats.forfeit].player) == {"tiny_free"}
    specs = seats[seats.player == "tiny_choice"].player_spec.iloc[0]
    assert '"constrain_moves":true' in specs  # the setting travels with every row
