"""`arena plan` and the plan's line and budget check in `arena run`, through the real console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "backends"))
from openai_server import start_server  # noqa: E402

ROOT = Path(__file__).parents[2]
ARENA = [sys.executable, "-m", "arena.cli"]
CONFIG = """
name: priced
output_dir: out
litellm_models: models.yaml
games: [{name: tic_tac_toe}]
players:
  - {type: llm, model: litellm_hosted_vllm/test-model, max_tokens: 32}
  - {type: random}
episodes_per_pairing: 2
"""


def arena(tmp_path: Path, *args: str, ray_tmpdir: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    env.update(RAY_AUTH_MODE="disabled", COLUMNS="200", PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(tmp_path / "cache"))
    if ray_tmpdir:
        env["RAY_TMPDIR"] = ray_tmpdir
    return subprocess.run([*ARENA, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


def write(tmp_path: Path, api_base: str) -> None:
    (tmp_path / "t.yaml").write_text(CONFIG)
    (tmp_path / "models.yaml").write_text(f"models:\n  - name: litellm_hosted_vllm/test-model\n    api_base: {api_base}\n"
                                          "    input_cost_per_token: 0.001\n    output_cost_per_token: 0.002\n")


def test_plan_json_last_line_and_bad_config(tmp_path):
    write(tmp_path, "http://127.0.0.1:9/v1")
    done = arena(tmp_path, "plan", "t.yaml", "--json")
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["episodes"] == 2 and figures["unpriced"] == []
    assert 0 < figures["cost_usd"]["low"] < figures["cost_usd"]["high"]
    assert figures["models"][0]["price_source"] == "models file"
    table = arena(tmp_path, "plan", "t.yaml")
    assert table.returncode == 0 and "limited by" in table.stdout and "tic_tac_toe" in table.stdout
    bad = arena(tmp_path, "plan", "t.yaml", "--override", "players.0.model=litellm_hosted_vllm/not-listed")
    assert bad.returncode == 2 and bad.stderr.strip().count("\n") == 0 and "not listed" in bad.stderr


def test_run_refuses_a_sure_overspend_unless_told(tmp_path):
    with start_server() as server:
        write(tmp_path, server.url)
        low = json.loads(arena(tmp_path, "plan", "t.yaml", "--json").stdout.splitlines()[-1])["cost_usd"]["low"]
        budget = f"budget_usd={low / 2}"
        ray_tmp = tempfile.mkdtemp(prefix="ray", dir="/tmp")
        shutil.rmtree(ray_tmp)  # Ray would create it as it starts
        refused = arena(tmp_path, "run", "t.yaml", "--no-progress", "--override", budget, ray_tmpdir=ray_tmp)
        assert refused.returncode == 2
        error = [line for line in refused.stderr.splitlines() if line.startswith("error:")]
        assert len(error) == 1 and "budget_usd" in error[0] and "--over-budget" in error[0]
        assert "the estimate $" in error[0] and "episodes to play" not in refused.stderr
        assert not os.path.exists(ray_tmp) and not (tmp_path / "out" / "priced" / "episodes").exists()
        ran = arena(tmp_path, "run", "t.yaml", "--no-progress", "--over-budget", "--override", budget, ray_tmpdir=ray_tmp)
        assert ran.returncode == 0, ran.stderr
        assert "played 2 episodes" in ran.stderr and "plan: 2 episodes, " in ran.stderr
        shutil.rmtree(ray_tmp, ignore_errors=True)
