"""`arena models`: readiness of every configured model."""

import ast
import re
import subprocess
import sys

import pytest

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


LONG = "vllm_an-extremely-long-model-name-that-goes-on-and-on-v2-instruct-2025-01-01"


@pytest.mark.parametrize("terminal", [True, False])
def test_a_long_model_name_is_never_cut_in_a_narrow_terminal(tmp_path, terminal):
    (tmp_path / "none.yaml").write_text("models: []\n")  # no litellm_* model: no 3-second LiteLLM import
    (tmp_path / "v.yaml").write_text(f"models:\n  - name: {LONG}\n    model_path: {tmp_path / 'gone'}\n"
                                     f"  - name: vllm_short\n    model_path: {tmp_path / 'gone'}\n")
    env = {"PATH": "/usr/bin:/bin", "COLUMNS": "60", "LINES": "40", "NO_COLOR": "1"}
    if terminal:  # rich then takes the output for a terminal 60 columns wide
        env["FORCE_COLOR"] = "1"
    done = subprocess.run([sys.executable, "-m", "arena.cli", "models", "--models-file", str(tmp_path / "none.yaml"),
                           "--vllm-models-file", str(tmp_path / "v.yaml")],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    text = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout)
    lines = text.splitlines()
    assert any(LONG in line for line in lines) and any("vllm_short" in line for line in lines), text
    assert "…" not in text and "does not exist" in text
    assert not terminal or LONG in lines, "too narrow for the table: a block per model, its name on a line of its own"


def _imported_by_a_listing(tmp_path, litellm_file: str | None, **env: str) -> list[str]:
    args = []
    if litellm_file is not None:
        (tmp_path / "m.yaml").write_text(litellm_file)
        args = ["--models-file", str(tmp_path / "m.yaml")]
    script = ("import sys; from arena.cli import main; "
              f"rc = main(['models', *{args!r}]); "
              "print(sorted({m.split('.')[0] for m in sys.modules} & {'litellm', 'vllm', 'ray', 'torch'}))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", **env}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "vllm_tiny" in done.stdout
    return ast.literal_eval(done.stdout.splitlines()[-1])


def test_listing_models_imports_no_backend_it_does_not_need(tmp_path):
    # No litellm_* model, or LiteLLM's answers about the shipped ones kept from an earlier listing: LiteLLM's
    # 3-second import is not paid. The first listing asks LiteLLM in a child process, so it is not imported here either.
    assert _imported_by_a_listing(tmp_path, "models: []\n", XDG_CACHE_HOME=str(tmp_path / "cache")) == []
    assert _imported_by_a_listing(tmp_path, None, XDG_CACHE_HOME=str(tmp_path / "cache")) == []
    assert list((tmp_path / "cache" / "board-game-arena").glob("litellm-*.json"))
    assert _imported_by_a_listing(tmp_path, None, XDG_CACHE_HOME=str(tmp_path / "cache")) == []


def test_kept_answers_are_litellms_and_keys_are_checked_every_time(tmp_path, monkeypatch):
    from backends import keys
    from backends.litellm.facts import facts
    from backends.litellm.models import ModelEntry

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for variable in ("GROQ_API_KEY", "TOGETHER_API_KEY", "TOGETHERAI_API_KEY", "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(variable, raising=False)
    entries = [ModelEntry(name="litellm_groq/llama3-8b-8192"), ModelEntry(name="litellm_together_ai/meta-llama/x"),
               ModelEntry(name="litellm_anthropic/claude-3-5-haiku-20241022"),
               ModelEntry(name="litellm_gpt-4o-mini", api_key_env="MY_OPENAI_KEY")]
    kept = facts(entries)
    for e in entries:  # what LiteLLM says in this process, with no keys set
        assert kept[e.name] == (keys.provider_of(e), keys.key_variables(e))
    lines = subprocess.run([sys.executable, "-m", "arena.cli", "models"], capture_output=True, text=True, timeout=120,
                           env={"PATH": "/usr/bin:/bin", "COLUMNS": "250", "XDG_CACHE_HOME": str(tmp_path),
                                "GROQ_API_KEY": "x"}, cwd=tmp_path).stdout.splitlines()
    groq = next(line for line in lines if "litellm_groq/llama3-8b-8192" in line)
    assert "GROQ_API_KEY set" in groq and "yes" in groq


def test_a_config_whose_models_file_is_missing_is_one_line_naming_it(tmp_path):
    config = tmp_path / "t.yaml"
    config.write_text("litellm_models: gone.yaml\ngames: [{name: tic_tac_toe}]\n"
                      "players: [{type: llm, model: litellm_groq/llama3-8b-8192}, {type: random}]\n")
    done = subprocess.run([sys.executable, "-m", "arena.cli", "models", str(config)], capture_output=True, text=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"}, cwd="/")
    assert done.returncode == 2 and done.stdout == "", done.stdout
    [line] = done.stderr.splitlines()
    assert str(tmp_path / "gone.yaml") in line and "give the path of an existing file" in line
