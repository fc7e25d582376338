"""An option a backend cannot honour is refused when the config is read: one line naming the player,
the option and what to do. Checked for every backend (litellm_, vllm_, simulated_)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from arena.config.errors import ConfigError
from arena.config.load import load_tournament_dict
from arena.config.models import LLMPlayer, PlayerSpec, Tournament
from backends import registry
from backends.litellm.models import ModelEntry


def check(p: PlayerSpec, t: Tournament) -> None:
    if isinstance(p, LLMPlayer):
        registry.check(p, t)


def load(tmp_path: Path, player: dict, models: str = "", vllm: str = "") -> None:
    data = {"games": [{"name": "tic_tac_toe"}], "format": "match",
            "players": [{"type": "llm", "name": "p", **player}, {"type": "random"}]}
    if models:
        (tmp_path / "api.yaml").write_text(models)
        data["litellm_models"] = str(tmp_path / "api.yaml")
    if vllm:
        (tmp_path / "vllm.yaml").write_text(vllm)
        data["vllm_models"] = str(tmp_path / "vllm.yaml")
    load_tournament_dict(data, check_player=check)


def refused(tmp_path: Path, player: dict, **files: str) -> ConfigError:
    with pytest.raises(ConfigError) as e:
        load(tmp_path, player, **files)
    assert "\n" not in str(e.value) and "player 'p'" in str(e.value)
    return e.value


GROQ = "models:\n  - litellm_groq/llama3-8b-8192\n"
OWN = "models:\n  - name: litellm_openai/mine\n    api_base: http://127.0.0.1:9/v1\n"


@pytest.fixture(autouse=True)
def groq_key(monkeypatch):
    monkeypatch.setenv("GROQ_API_KEY", "gsk_test_0123456789")


def test_litellm_constrain_moves_is_refused_where_the_provider_cannot(tmp_path):
    e = refused(tmp_path, {"model": "litellm_groq/llama3-8b-8192", "constrain_moves": True}, models=GROQ)
    assert e.path == "players.0.constrain_moves"
    assert "groq" in str(e) and "constrain_with" in str(e) and str(tmp_path / "api.yaml") in str(e)


def test_litellm_constrain_moves_is_refused_when_the_entry_says_none(tmp_path):
    models = "models:\n  - name: litellm_hosted_vllm/mine\n    api_base: http://127.0.0.1:9/v1\n    constrain_with: none\n"
    e = refused(tmp_path, {"model": "litellm_hosted_vllm/mine", "constrain_moves": True}, models=models)
    assert e.path == "players.0.constrain_moves" and "constrain_with: none" in str(e)


def test_litellm_constrain_moves_is_accepted_where_it_is_honoured(tmp_path):
    load(tmp_path, {"model": "litellm_hosted_vllm/mine", "constrain_moves": True},
         models="models:\n  - name: litellm_hosted_vllm/mine\n    api_base: http://127.0.0.1:9/v1\n")
    load(tmp_path, {"model": "litellm_openai/mine", "constrain_moves": True},
         models=OWN + "    constrain_with: response_format\n")


def test_litellm_backend_options_are_refused(tmp_path):
    e = refused(tmp_path, {"model": "litellm_openai/mine", "backend_options": {"latency_ms": 5}}, models=OWN)
    assert e.path == "players.0.backend_options.latency_ms" and "extra" in str(e)


def test_constraint_method_by_provider_and_entry():
    from backends.litellm.constraint import constraint_method

    assert constraint_method(ModelEntry(name="litellm_hosted_vllm/x", api_base="http://h/v1"), "hosted_vllm") == \
        "structured_outputs"
    assert constraint_method(ModelEntry(name="litellm_gpt-4o-mini"), "openai") == "response_format"
    assert constraint_method(ModelEntry(name="litellm_fireworks_ai/accounts/f/models/m"), "fireworks_ai") == \
        "response_format"
    assert constraint_method(ModelEntry(name="litellm_groq/llama3-8b-8192"), "groq") is None
    assert constraint_method(ModelEntry(name="litellm_openai/mine"), "openai") is None  # unknown to LiteLLM
    override = ModelEntry(name="litellm_openai/mine", constrain_with="structured_outputs")
    assert constraint_method(override, "openai") == "structured_outputs"
    assert constraint_method(ModelEntry(name="litellm_gpt-4o-mini", constrain_with="none"), "openai") is None


VLLM = "models:\n  - name: vllm_m\n    model_path: {path}\n"


@pytest.fixture
def model_dir(tmp_path) -> Path:
    path = tmp_path / "model"
    path.mkdir()
    (path / "config.json").write_text("{}")
    (path / "tokenizer.json").write_text("{}")
    return path


def test_vllm_constraint_without_constrain_moves_is_refused(tmp_path, model_dir):
    e = refused(tmp_path, {"model": "vllm_m", "backend_options": {"constraint": "json"}},
                vllm=VLLM.format(path=model_dir))
    assert e.path == "players.0.backend_options.constraint" and "constrain_moves: true" in str(e)


def test_vllm_unknown_option_and_bad_value_are_refused(tmp_path, model_dir):
    vllm = VLLM.format(path=model_dir)
    e = refused(tmp_path, {"model": "vllm_m", "constrain_moves": True, "backend_options": {"latency_ms": 1}}, vllm=vllm)
    assert e.path == "players.0.backend_options.latency_ms" and "constraint" in str(e)
    e = refused(tmp_path, {"model": "vllm_m", "constrain_moves": True, "backend_options": {"constraint": "regex"}},
                vllm=vllm)
    assert e.path == "players.0.backend_options.constraint" and "'regex'" in str(e)
    load(tmp_path, {"model": "vllm_m", "constrain_moves": True, "backend_options": {"constraint": "json"}}, vllm=vllm)


def test_simulated_unknown_option_is_refused_when_the_config_is_read(tmp_path):
    e = refused(tmp_path, {"model": "simulated_a", "backend_options": {"latency": 5}})
    assert e.path == "players.0.backend_options.latency" and "latency_ms" in str(e)


def test_a_mistyped_option_gets_the_closest_one(tmp_path):
    e = refused(tmp_path, {"model": "simulated_a", "backend_options": {"ilegal_rate": 0.1}})
    assert str(e).endswith("did you mean 'illegal_rate'?")


def test_simulated_bad_values_and_constraint_with_illegal_answers_are_refused(tmp_path):
    e = refused(tmp_path, {"model": "simulated_a", "backend_options": {"illegal_rate": 2}})
    assert e.path == "players.0.backend_options.illegal_rate"
    e = refused(tmp_path, {"model": "simulated_a", "backend_options": {"latency_ms": "slow"}})
    assert e.path == "players.0.backend_options.latency_ms"
    e = refused(tmp_path, {"model": "simulated_a", "constrain_moves": True, "backend_options": {"illegal_rate": 0.5}})
    assert e.path == "players.0.constrain_moves" and "illegal_rate" in str(e)
    load(tmp_path, {"model": "simulated_a", "constrain_moves": True, "backend_options": {"latency_ms": 1}})


def test_bga_config_names_the_agent_key(tmp_path):
    (tmp_path / "api.yaml").write_text(GROQ)
    data = {"env_config": {"game_name": "tic_tac_toe"}, "litellm_models": str(tmp_path / "api.yaml"),
            "agents": {"player_0": {"type": "llm", "model": "litellm_groq/llama3-8b-8192", "constrain_moves": True},
                       "player_1": {"type": "random"}}}
    with pytest.raises(ConfigError) as e:
        load_tournament_dict(data, check_player=check)
    assert e.value.path == "agents.player_0.constrain_moves" and str(e.value).startswith("agents.player_0.constrain")


def test_run_refuses_an_ignored_option_with_one_line_and_exit_2(tmp_path):
    (tmp_path / "api.yaml").write_text(GROQ)
    config = tmp_path / "t.yaml"
    config.write_text("litellm_models: api.yaml\ngames: [{name: tic_tac_toe}]\nplayers:\n"
                      "  - {type: llm, name: p, model: litellm_groq/llama3-8b-8192, constrain_moves: true}\n"
                      "  - {type: random}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")} | {"GROQ_API_KEY": "gsk_test_0123456789",
                                                                             "RAY_AUTH_MODE": "disabled"}
    done = subprocess.run([sys.executable, "-m", "arena.cli", "run", str(config)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: players.0.constrain_moves: player 'p'"), done.stderr
