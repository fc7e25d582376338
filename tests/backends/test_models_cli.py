"""`arena models` and `arena run`'s config checks started outside the repository: models files are
found against the tournament file (or the package), never against where the user stands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).parents[2]
ARENA = [sys.executable, "-m", "arena.cli"]
KEYS = ("OPENAI_API_KEY", "GROQ_API_KEY", "ANTHROPIC_API_KEY", "TOGETHER_API_KEY", "FIREWORKS_API_KEY")


def arena(*args: str, cwd: Path, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("RAY_") and k not in KEYS}
    full.update(RAY_AUTH_MODE="disabled", COLUMNS="200", **env)
    return subprocess.run([*ARENA, *args], cwd=cwd, env=full, capture_output=True, text=True, timeout=timeout)


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    return lines[0]


def outside(tmp_path: Path) -> Path:
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    return cwd


def test_models_outside_the_repository_lists_the_shipped_models(tmp_path):
    done = arena("models", cwd=outside(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "litellm_groq/llama3-8b-8192" in done.stdout and "vllm_tiny" in done.stdout
    assert str(REPO / "configs" / "litellm_models.yaml") in done.stdout  # the title says which file


def test_models_with_empty_files_says_so_and_where_it_looked(tmp_path):
    (tmp_path / "api.yaml").write_text("models: []\n")
    (tmp_path / "vllm.yaml").write_text("models: []\n")
    done = arena("models", "--models-file", str(tmp_path / "api.yaml"), "--vllm-models-file",
                 str(tmp_path / "vllm.yaml"), cwd=outside(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "no models" in done.stdout
    assert str(tmp_path / "api.yaml") in done.stdout and str(tmp_path / "vllm.yaml") in done.stdout


def test_models_of_a_tournament_without_llm_players_says_so(tmp_path):
    config = tmp_path / "t.yaml"
    config.write_text("games: [{name: tic_tac_toe}]\nplayers: [{type: random}, {type: random, name: b}]\n")
    done = arena("models", str(config), cwd=outside(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "no llm players" in done.stdout and str(config) in done.stdout


def test_models_missing_file_is_one_line_exit_2_naming_the_path(tmp_path):
    cwd = outside(tmp_path)
    line = one_error_line(arena("models", "--models-file", "nowhere.yaml", cwd=cwd))
    assert str(cwd / "nowhere.yaml") in line


def test_models_file_flag_beside_a_config_is_refused(tmp_path):
    config = tmp_path / "t.yaml"
    config.write_text("games: [{name: tic_tac_toe}]\nplayers: [{type: random}, {type: random, name: b}]\n")
    (tmp_path / "api.yaml").write_text("models: []\n")
    line = one_error_line(arena("models", str(config), "--models-file", str(tmp_path / "api.yaml"),
                                cwd=outside(tmp_path)))
    assert "--models-file" in line and "litellm_models" in line


def test_models_of_a_config_elsewhere_reads_the_file_beside_it(tmp_path):
    (tmp_path / "api.yaml").write_text("models:\n  - name: litellm_openai/mine\n    api_base: http://127.0.0.1:9/v1\n")
    config = tmp_path / "t.yaml"
    config.write_text("litellm_models: api.yaml\ngames: [{name: tic_tac_toe}]\n"
                      "players: [{type: llm, model: litellm_openai/mine}, {type: random}]\n")
    done = arena("models", str(config), cwd=outside(tmp_path))
    assert done.returncode == 0, done.stderr
    row = next(line for line in done.stdout.splitlines() if "litellm_openai/mine" in line)
    assert "http://127.0.0.1:9/v1" in row and "not in" not in row


def test_run_checks_models_against_the_file_beside_the_config(tmp_path):
    (tmp_path / "api.yaml").write_text("models:\n  - name: litellm_openai/mine\n    api_base: http://127.0.0.1:9/v1\n"
                                       "    api_key_env: ARENA_NO_SUCH_KEY\n")
    config = tmp_path / "t.yaml"
    config.write_text("litellm_models: api.yaml\ngames: [{name: tic_tac_toe}]\n"
                      "players: [{type: llm, model: litellm_openai/mine}, {type: random}]\n")
    line = one_error_line(arena("run", str(config), cwd=outside(tmp_path)))
    assert "ARENA_NO_SUCH_KEY" in line  # found in the file beside the config, so its key was checked


def test_run_uses_the_shipped_models_file_when_the_config_names_none(tmp_path):
    config = tmp_path / "t.yaml"
    config.write_text("games: [{name: tic_tac_toe}]\n"
                      "players: [{type: llm, model: litellm_groq/llama3-8b-8192}, {type: random}]\n")
    line = one_error_line(arena("run", str(config), cwd=outside(tmp_path)))
    assert "needs the API key in GROQ_API_KEY" in line, line


def test_run_with_a_missing_models_file_names_the_path_tried(tmp_path):
    config = tmp_path / "t.yaml"
    config.write_text("litellm_models: gone.yaml\ngames: [{name: tic_tac_toe}]\n"
                      "players: [{type: random}, {type: random, name: b}]\n")
    line = one_error_line(arena("run", str(config), cwd=outside(tmp_path)))
    assert "litellm_models" in line and str(tmp_path / "gone.yaml") in line


def test_the_manifest_records_the_resolved_models_files(tmp_path):
    (tmp_path / "api.yaml").write_text("models: []\n")
    config = tmp_path / "t.yaml"
    config.write_text("name: m\noutput_dir: out\nlitellm_models: api.yaml\ngames: [{name: tic_tac_toe}]\n"
                      "players: [{type: llm, model: simulated_a}, {type: random}]\n")
    cwd = outside(tmp_path)
    ray_tmp = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short: Ray's socket paths must fit in 107 bytes
    done = arena("run", str(config), "--no-progress", cwd=cwd, timeout=300, RAY_TMPDIR=ray_tmp)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((cwd / "out" / "m" / "manifest.json").read_text())["tournament"]
    assert manifest["litellm_models"] == str(tmp_path / "api.yaml")
    assert manifest["vllm_models"] == str(REPO / "configs" / "vllm_models.yaml")
