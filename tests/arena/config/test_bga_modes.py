"""The original Board Game Arena's backend commands, as its docs write them, load here.

Source: docs/backends.rst (and the one `mode=` command of README.md) of lcipolina/board_game_arena at
the last commit before the project was renamed game_reasoning_arena. Each command ran
`python scripts/runner.py --config configs/example_config.yaml --override ...`; here the same
overrides go to `load_tournament` (and to `arena models`, which loads a config without Ray).
Model names are adapted to ones that exist here: vLLM models and the original's hf_* models (small
local models) become vllm_tiny, LiteLLM models missing from configs/litellm_models.yaml their nearest
listed sibling.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from arena.cli import main
from arena.config.errors import ConfigError
from arena.config.load import load_tournament

CONFIGS = Path(__file__).resolve().parents[3] / "configs"
TIC_TAC_TOE = CONFIGS / "bga_tic_tac_toe.yaml"
GROQ = "litellm_groq/llama3-8b-8192"

# The original's src/board_game_arena/configs/example_config.yaml, verbatim.
ORIGINAL_EXAMPLE = """\
# Example configuration demonstrating multi-game setup
# This runs 3 different games with the same agent configuration

env_configs:
  - game_name: kuhn_poker
    max_game_rounds: null
  - game_name: connect_four
    max_game_rounds: null
  - game_name: tic_tac_toe
    max_game_rounds: null

num_episodes: 1
seed: 42
use_ray: false
mode: llm_vs_random

agents:
  player_0:
    type: llm
    model: litellm_groq/llama3-8b-8192
  player_1:
    type: random

llm_backend:
  max_tokens: 250
  temperature: 0.1
  default_model: litellm_groq/llama3-8b-8192

log_level: INFO
"""

# The docs' three-backend command names configs/three_way_comparison.yaml, which the original never
# shipped: a three-seat config in its shape, one llm seat and two random ones.
THREE_WAY = """\
env_config:
  game_name: kuhn_poker
  players: 3
num_episodes: 1
seed: 42
mode: llm_vs_random_vs_random
agents:
  player_0:
    type: llm
    model: litellm_groq/llama3-8b-8192
  player_1:
    type: random
  player_2:
    type: random
llm_backend:
  default_model: litellm_groq/llama3-8b-8192
"""

# Adapted name -> the original's name it stands for.
ADAPTED = {
    "vllm_Qwen2-7B-Instruct": "vllm_tiny",
    "vllm_Llama-2-7b-chat-hf": "vllm_tiny",
    "hf_gpt2": "vllm_tiny",
    "hf_distilgpt2": "vllm_tiny",
    "hf_microsoft/DialoGPT-small": "vllm_tiny",
    "litellm_gpt-4-turbo": "litellm_gpt-4",
    "litellm_groq/llama3-70b-8192": "litellm_groq/llama-3.1-8b-instant",
    "litellm_together_ai/meta-llama/Meta-Llama-3.1-8B-Instruct":
        "litellm_together_ai/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo",
}

# id -> (the --override arguments as the docs write them, (type, model) per seat after loading,
#        the seats that change type: "player_1 from random to llm")
LLM_VS_RANDOM = "llm_vs_random"
DOC_COMMANDS = {
    "litellm_gpt-4": (["agents.player_0.model=litellm_gpt-4"], [("llm", "litellm_gpt-4"), ("random", None)], []),
    "litellm_groq": ([f"agents.player_0.model={GROQ}"], [("llm", GROQ), ("random", None)], []),
    "vllm_qwen2": (["agents.player_0.model=vllm_Qwen2-7B-Instruct"], [("llm", "vllm_tiny"), ("random", None)], []),
    "vllm_llama2": (["agents.player_0.model=vllm_Llama-2-7b-chat-hf"], [("llm", "vllm_tiny"), ("random", None)], []),
    "hf_gpt2": (["agents.player_0.model=hf_gpt2"], [("llm", "vllm_tiny"), ("random", None)], []),
    "hf_distilgpt2": (["agents.player_0.model=hf_distilgpt2"], [("llm", "vllm_tiny"), ("random", None)], []),
    "litellm_vs_vllm": (
        ["mode=llm_vs_llm", f"agents.player_0.model={GROQ}", "agents.player_1.model=vllm_Qwen2-7B-Instruct",
         "num_episodes=10"],
        [("llm", GROQ), ("llm", "vllm_tiny")], [1]),
    "readme_litellm_vs_vllm": (
        ["mode=llm_vs_llm", f"agents.player_0.model={GROQ}", "agents.player_1.model=vllm_Qwen2-7B-Instruct"],
        [("llm", GROQ), ("llm", "vllm_tiny")], [1]),
    "openai_vs_groq": (
        ["mode=llm_vs_llm", "agents.player_0.model=litellm_gpt-4-turbo", "agents.player_1.model=litellm_groq/llama3-70b-8192"],
        [("llm", "litellm_gpt-4"), ("llm", "litellm_groq/llama-3.1-8b-instant")], [1]),
    "together_vs_vllm": (
        ["mode=llm_vs_llm", "agents.player_0.model=litellm_together_ai/meta-llama/Meta-Llama-3.1-8B-Instruct",
         "agents.player_1.model=vllm_Llama-2-7b-chat-hf"],
        [("llm", "litellm_together_ai/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"), ("llm", "vllm_tiny")], [1]),
    "hf_vs_groq": (
        ["mode=llm_vs_llm", "agents.player_0.model=hf_gpt2", f"agents.player_1.model={GROQ}"],
        [("llm", "vllm_tiny"), ("llm", GROQ)], [1]),
    "hf_any_model": (["agents.player_0.model=hf_microsoft/DialoGPT-small", "num_episodes=1"],
                     [("llm", "vllm_tiny"), ("random", None)], []),
}


def adapt(overrides: list[str]) -> list[str]:
    out = []
    for pair in overrides:
        key, _, value = pair.partition("=")
        out.append(f"{key}={ADAPTED.get(value, value)}")
    return out


def listed_models() -> set[str]:
    """Every model name the shipped models files list."""
    litellm = yaml.safe_load((CONFIGS / "litellm_models.yaml").read_text())["models"]
    vllm = yaml.safe_load((CONFIGS / "vllm_models.yaml").read_text())["models"]
    return {m if isinstance(m, str) else m["name"] for m in litellm} | {m["name"] for m in vllm}


@pytest.fixture(params=["bga_tic_tac_toe", "original_example"])
def example_config(request, tmp_path) -> Path:
    """This project's BGA example, and the original's example config as its users have it."""
    if request.param == "bga_tic_tac_toe":
        return TIC_TAC_TOE
    path = tmp_path / "example_config.yaml"
    path.write_text(ORIGINAL_EXAMPLE)
    return path


def load(path: Path, overrides: list[str]) -> tuple[list[tuple[str, str | None]], list[str], object]:
    notes: list[str] = []
    t = load_tournament(str(path), overrides, notify=notes.append)
    return [(p.type, getattr(p, "model", None)) for p in t.players], notes, t


def test_adapted_names_are_listed_in_the_shipped_models_files():
    listed = listed_models()
    used = {model for _, seats, _ in DOC_COMMANDS.values() for _, model in seats if model}
    assert used <= listed, used - listed
    assert set(ADAPTED.values()) <= listed


@pytest.mark.parametrize("case", list(DOC_COMMANDS))
def test_documented_backend_command_loads(case, example_config):
    overrides, seats, changed = DOC_COMMANDS[case]
    got, notes, t = load(example_config, adapt(overrides))
    assert got == seats
    if "num_episodes=10" in overrides:
        assert t.num_episodes == 10
    if changed:
        assert t.mode == "llm_vs_llm"
        assert len(notes) == 1, notes
        note = notes[0]
        assert note.startswith("mode llm_vs_llm: ") and "\n" not in note
        assert f"agents.player_1 plays as llm ({seats[1][1]}), not random" in note
        assert "player_0" not in note  # it was an llm player already
    else:
        assert t.mode == LLM_VS_RANDOM and notes == []


def test_documented_three_backend_command_makes_every_seat_an_llm_player(tmp_path):
    path = tmp_path / "three_way_comparison.yaml"
    path.write_text(THREE_WAY)
    overrides = ["mode=multi_agent", "agents.player_0.model=litellm_gpt-4-turbo",
                 "agents.player_1.model=vllm_Qwen2-7B-Instruct", "agents.player_2.model=hf_distilgpt2"]
    got, notes, t = load(path, adapt(overrides))
    assert got == [("llm", "litellm_gpt-4"), ("llm", "vllm_tiny"), ("llm", "vllm_tiny")]
    assert [p.display_name for p in t.players] == ["litellm_gpt-4", "vllm_tiny@player_1", "vllm_tiny@player_2"]
    assert t.mode == "multi_agent"
    assert notes == ["mode multi_agent: agents.player_1 plays as llm (vllm_tiny), not random; "
                     "agents.player_2 plays as llm (vllm_tiny), not random"]


@pytest.mark.parametrize("backend", ["litellm", "vllm"])
def test_documented_new_model_steps_add_it_to_the_models_file_then_run_it(backend, example_config, tmp_path):
    """docs/backends.rst, 'Adding New Models': list the model in the models file, then run it."""
    if backend == "litellm":
        name = "litellm_new_provider/new_model_name"
        (tmp_path / "litellm_models.yaml").write_text(f"models:\n  - {name}\n")
    else:
        name = "vllm_new_model_name"
        (tmp_path / "vllm_models.yaml").write_text(
            f"models:\n  - name: {name}\n    model_path: {tmp_path / 'model'}\n"
            "    description: Description of the new model\n")
    files = f"{backend}_models={tmp_path / f'{backend}_models.yaml'}"
    got, notes, t = load(example_config, [files, f"agents.player_0.model={name}", "num_episodes=1"])
    assert got == [("llm", name), ("random", None)] and t.num_episodes == 1 and notes == []


# ---------------------------------------------------------------- what mode does to the seats

def bga_file(tmp_path: Path, agents: dict, mode: str | None = "llm_vs_random", **extra) -> Path:
    data = {"env_config": {"game_name": "tic_tac_toe"}, "agents": agents, **extra}
    if mode is not None:
        data["mode"] = mode
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_mode_in_the_file_sets_the_types_the_file_leaves_unset(tmp_path):
    path = bga_file(tmp_path, {"player_0": {"model": GROQ}, "player_1": None})
    got, notes, _ = load(path, [])
    assert got == [("llm", GROQ), ("random", None)]
    assert notes == []  # the file asked for exactly this


def test_an_untyped_seat_with_a_model_is_the_llm_seat(tmp_path):
    path = bga_file(tmp_path, {"player_0": None, "player_1": {"model": "vllm_tiny"}})
    got, notes, _ = load(path, [])
    assert got == [("random", None), ("llm", "vllm_tiny")] and notes == []


def test_the_example_files_tip_to_play_without_a_key_renames_the_mode():
    """configs/bga_tic_tac_toe.yaml: 'try --override agents.player_0.type=random to play without one'."""
    got, notes, t = load(TIC_TAC_TOE, ["agents.player_0.type=random"])
    assert got == [("random", None), ("random", None)] and t.mode == "random_vs_random"
    assert t.name == "tic_tac_toe_random_vs_random"
    assert notes == [f"mode random_vs_random, not llm_vs_random as in the file: agents.player_0 plays as random, not llm ({GROQ})"]


def test_mode_random_vs_random_on_the_command_line_drops_the_llm(example_config):
    got, notes, t = load(example_config, ["mode=random_vs_random"])
    assert got == [("random", None), ("random", None)]
    assert notes == [f"mode random_vs_random: agents.player_0 plays as random, not llm ({GROQ})"]
    assert [p.display_name for p in t.players] == ["random@player_0", "random@player_1"]


def test_mode_llm_vs_llm_without_a_model_takes_llm_backend_default_model(example_config):
    got, notes, _ = load(example_config, ["mode=llm_vs_llm"])
    assert got == [("llm", GROQ), ("llm", GROQ)]
    assert notes == [f"mode llm_vs_llm: agents.player_1 plays as llm ({GROQ}, llm_backend.default_model), not random"]


def test_mode_llm_vs_llm_without_any_model_names_the_seat_to_set(example_config):
    with pytest.raises(ConfigError) as e:
        load(example_config, ["mode=llm_vs_llm", "llm_backend.default_model=null"])
    assert e.value.path == "agents.player_1.model"
    assert str(e.value) == ("agents.player_1.model: mode llm_vs_llm makes player_1 an llm player, which needs a model; "
                            "set agents.player_1.model (e.g. --override agents.player_1.model=litellm_groq/llama3-8b-8192) "
                            "or llm_backend.default_model")


def test_mode_llm_vs_random_on_the_command_line_puts_the_llm_where_the_model_is(example_config):
    got, notes, _ = load(example_config, ["mode=llm_vs_random", "agents.player_1.model=vllm_tiny"])
    assert got == [("random", None), ("llm", "vllm_tiny")]
    assert notes == [f"mode llm_vs_random: agents.player_0 plays as random, not llm ({GROQ}); "
                     "agents.player_1 plays as llm (vllm_tiny), not random"]


def test_mode_manual_seats_a_person_at_player_0(example_config):
    got, notes, _ = load(example_config, ["mode=manual"])
    assert got == [("human", None), ("random", None)]
    assert notes == [f"mode manual: agents.player_0 plays as human, not llm ({GROQ})"]


def test_a_model_on_the_command_line_makes_a_random_seat_an_llm_player_and_renames_the_mode(example_config):
    """The file says llm_vs_random; the command line gives player_1 a model: the command line wins."""
    got, notes, t = load(example_config, ["agents.player_1.model=vllm_tiny"])
    assert got == [("llm", GROQ), ("llm", "vllm_tiny")]
    assert t.mode == "llm_vs_llm"
    assert notes == ["mode llm_vs_llm, not llm_vs_random as in the file: agents.player_1 plays as llm (vllm_tiny), not random"]


def test_original_readme_kuhn_poker_command_types_both_seats_llm(example_config):
    """README.md of the original: both seats typed llm on the command line, the file's mode left as is."""
    overrides = ["agents.player_0.type=llm", f"agents.player_0.model={GROQ}",
                 "agents.player_1.type=llm", f"agents.player_1.model={GROQ}", "num_episodes=10"]
    got, notes, t = load(example_config, overrides)
    assert got == [("llm", GROQ), ("llm", GROQ)] and t.mode == "llm_vs_llm"
    assert notes == [f"mode llm_vs_llm, not llm_vs_random as in the file: agents.player_1 plays as llm ({GROQ}), not random"]


def test_a_model_for_a_seat_that_a_command_line_mode_keeps_scripted_is_refused(example_config):
    with pytest.raises(ConfigError) as e:
        load(example_config, ["mode=random_vs_random", "agents.player_1.model=vllm_tiny"])
    assert e.value.path == "agents.player_1.model"
    assert "mode random_vs_random has no llm seat" in str(e.value) and "\n" not in str(e.value)


def test_a_command_line_type_that_contradicts_a_command_line_mode_is_refused(example_config):
    with pytest.raises(ConfigError) as e:
        load(example_config, ["mode=llm_vs_llm", "agents.player_1.type=random"])
    assert e.value.path == "mode"
    assert str(e.value).startswith("mode: 'llm_vs_llm' does not match the player types ['llm', 'random']")
    assert "agents.player_1.type=random" in str(e.value)


def test_a_file_whose_mode_contradicts_its_own_types_is_one_line_saying_what_to_do(tmp_path):
    path = bga_file(tmp_path, {"player_0": {"type": "llm", "model": GROQ}, "player_1": {"type": "random"}}, mode="llm_vs_llm")
    with pytest.raises(ConfigError) as e:
        load(path, [])
    assert e.value.path == "mode"
    assert str(e.value) == ("mode: 'llm_vs_llm' does not match the player types ['llm', 'random'] in agents; "
                            "make them agree, e.g. mode: llm_vs_random")


def test_mode_names_as_many_players_as_there_are_seats(tmp_path):
    path = tmp_path / "three.yaml"
    path.write_text(THREE_WAY)
    with pytest.raises(ConfigError) as e:
        load(path, ["mode=llm_vs_llm"])
    assert e.value.path == "mode"
    assert "names 2 players, but agents has 3 seats" in str(e.value)


# ---------------------------------------------------------------- the CLI says what it did, once

def test_arena_models_prints_the_notice_once_and_lists_both_backends(capsys):
    overrides = ["mode=llm_vs_llm", f"agents.player_0.model={GROQ}", "agents.player_1.model=vllm_tiny", "num_episodes=10"]
    assert main(["models", str(TIC_TAC_TOE), "--override", *overrides]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == ["mode llm_vs_llm: agents.player_1 plays as llm (vllm_tiny), not random"]
    assert GROQ in out and "vllm_tiny" in out


def test_arena_models_on_a_contradictory_file_is_one_error_line(tmp_path, capsys):
    path = bga_file(tmp_path, {"player_0": {"type": "llm", "model": GROQ}, "player_1": {"type": "random"}}, mode="llm_vs_llm")
    assert main(["models", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and err.startswith("error: mode: 'llm_vs_llm' does not match")


def test_arena_run_of_the_documented_command_stops_at_the_missing_key_alone(tmp_path, monkeypatch, capsys):
    """Before, this command stopped at "mode 'llm_vs_llm' does not match"; now only a missing key stops it,
    before Ray, and a config that fails prints its error line and no notice."""
    monkeypatch.chdir(tmp_path)  # no ./.env with keys
    monkeypatch.delenv("GROQ_API_KEY", raising=False)
    monkeypatch.setenv("RAY_AUTH_MODE", os.environ.get("RAY_AUTH_MODE", "disabled"))  # what `arena run` sets, undone after
    overrides = ["mode=llm_vs_llm", f"agents.player_0.model={GROQ}", "agents.player_1.model=vllm_tiny", "num_episodes=10",
                 f"output_dir={tmp_path / 'out'}"]
    assert main(["run", str(TIC_TAC_TOE), "--override", *overrides]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.splitlines() == [
        f"error: agents.player_0.model: model '{GROQ}' needs the API key in GROQ_API_KEY; set it in the environment or in ./.env"]
    assert not (tmp_path / "out").exists()
