"""`arena models`: readiness of every configured model."""

import subprocess
import sys

from arena.config.models import Tournament
from backends.listing import models_table


def test_rows_show_key_state_api_base_and_limits(tmp_path, monkeypatch):
    monkeypatch.setenv("GROQ_API_KEY", "gsk_present_12345678")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    path = tmp_path / "m.yaml"
    path.write_text("models:\n  - litellm_groq/llama3-8b-8192\n  - litellm_gpt-4\n"
                    "  - name: litellm_hosted_vllm/mine\n    api_base: http://127.0.0.1:9/v1\n    rpm: 10\n    budget_usd: 2\n")
    rows = models_table(None, str(path)).set_index("model")
    assert rows.loc["litellm_groq/llama3-8b-8192", ["ready", "key"]].tolist() == ["yes", "GROQ_API_KEY set"]
    assert rows.loc["litellm_gpt-4", ["ready", "key"]].tolist() == ["no", "OPENAI_API_KEY missing"]
    mine = rows.loc["litellm_hosted_vllm/mine"]
    assert (mine.ready, mine.key, mine.api_base, mine.rpm, mine.budget_usd) == (
        "yes", "not needed", "http://127.0.0.1:9/v1", "10 / -", "2.0")
    assert "gsk_present" not in rows.to_string()


def test_tournament_models_include_limits_and_unlisted_models(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("models:\n  - litellm_groq/llama3-8b-8192\n")
    t = Tournament.model_validate({
        "games": [{"name": "tic_tac_toe"}], "litellm_models": str(path), "providers": {"groq": {"rpm": 30}},
        "players": [{"type": "llm", "model": "litellm_groq/llama3-8b-8192"}, {"type": "llm", "model": "litellm_x/y"},
                    {"type": "llm", "model": "simulated_a"}]})
    rows = models_table(t, str(path)).set_index("model")
    assert rows.loc["litellm_groq/llama3-8b-8192", "rpm"] == "- / 30"
    assert rows.loc["litellm_x/y", "ready"].startswith("no: not in")
    assert rows.loc["simulated_a", "ready"] == "yes"


def test_cli_prints_the_table(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("models:\n  - litellm_groq/llama3-8b-8192\n")
    done = subprocess.run([sys.executable, "-m", "arena.cli", "models", "--models-file", str(path)],
                          capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    assert "litellm_groq/llama3-8b-8192" in done.stdout and "GROQ_API_KEY missing" in done.stdout


def test_vllm_entries_show_whether_their_model_directory_is_usable(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}")
    (model / "tokenizer.json").write_text("{}")
    vllm_file = tmp_path / "v.yaml"
    vllm_file.write_text(f"models:\n  - name: vllm_ok\n    model_path: {model}\n"
                         f"  - name: vllm_gone\n    model_path: {tmp_path / 'nowhere'}\n")
    (tmp_path / "none.yaml").write_text("models: []\n")
    rows = models_table(None, str(tmp_path / "none.yaml"), str(vllm_file)).set_index("model")
    assert rows.loc["vllm_ok", "ready"] == "yes"
    assert rows.loc["vllm_gone", "ready"].startswith("no:") and "does not exist" in rows.loc["vllm_gone", "ready"]
