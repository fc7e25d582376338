from pathlib import Path

import pytest
import yaml

from arena.config.errors import ConfigError
from arena.config.load import load_tournament, load_tournament_dict

CONFIGS = Path(__file__).resolve().parents[3] / "configs"
BGA = {
    "env_config": {"game_name": "tic_tac_toe"},
    "num_episodes": 5,
    "mode": "llm_vs_random",
    "agents": {"player_0": {"type": "llm", "model": "litellm_groq/llama3-8b-8192"}, "player_1": {"type": "random"}},
}
NATIVE = {
    "name": "rr",
    "format": "round_robin",
    "games": [{"name": "tic_tac_toe"}, {"name": "hex", "params": {"board_size": 5}, "max_moves": 40}],
    "players": [{"type": "random"}, {"type": "mcts", "simulations": 10}, {"type": "llm", "model": "vllm_tiny"}],
    "episodes_per_pairing": 4,
}


def error(data, overrides=()):
    with pytest.raises(ConfigError) as e:
        load_tournament_dict(data, overrides)
    text = str(e.value)
    assert "\n" not in text
    return e.value


def test_example_bga_config_loads():
    t = load_tournament(str(CONFIGS / "bga_tic_tac_toe.yaml"), [])
    assert t.format == "match" and t.num_episodes == 5 and [g.name for g in t.games] == ["tic_tac_toe"]
    assert [(p.type, getattr(p, "model", None)) for p in t.players] == [("llm", "litellm_groq/llama3-8b-8192"), ("random", None)]


def test_example_multi_game_config_loads():
    t = load_tournament(str(CONFIGS / "bga_multi_game.yaml"), [])
    assert [g.name for g in t.games] == ["tic_tac_toe", "connect_four", "kuhn_poker", "prisoners_dilemma", "matching_pennies"]
    assert t.games[3].params == {"max_game_length": 10}
    assert t.players[0].model == "litellm_groq/llama3-8b-8192" and t.players[0].max_tokens == 200


def test_example_adaptive_config_loads_and_overrides_reach_the_schedule():
    t = load_tournament(str(CONFIGS / "adaptive.yaml"), ["schedule.target_ci=80", "schedule.sprt.elo1=30"])
    assert t.schedule.mode == "adaptive" and t.schedule.target_ci == 80 and t.schedule.max_episodes == 2000
    assert t.schedule.sprt is not None and t.schedule.sprt.elo1 == 30
    problem = error({**yaml.safe_load((CONFIGS / "adaptive.yaml").read_text()), "format": "match"}, [])
    assert "schedule: mode adaptive chooses pairings of a round robin" in str(problem)


def test_overrides_address_bga_keys_before_translation():
    path = str(CONFIGS / "bga_tic_tac_toe.yaml")
    t = load_tournament(path, ["env_config.game_name=connect_four", "agents.player_0.model=litellm_openai/gpt-4o", "num_episodes=1"])
    assert t.games[0].name == "connect_four" and t.players[0].model == "litellm_openai/gpt-4o" and t.num_episodes == 1


def test_native_round_robin_loads_unchanged():
    t = load_tournament_dict(NATIVE)
    assert t.format == "round_robin" and t.name == "rr" and t.episodes_per_pairing == 4
    assert [p.display_name for p in t.players] == ["random", "mcts_10", "vllm_tiny"]
    assert t.games[1].key == "hex(board_size=5)"


def test_native_overrides_index_lists():
    t = load_tournament_dict(NATIVE, ["games.1.params.board_size=7", "players.1.simulations=5"])
    assert t.games[1].params == {"board_size": 7} and t.players[1].simulations == 5


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match=r"nope\.yaml: no such config file"):
        load_tournament(str(tmp_path / "nope.yaml"), [])


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("num_episodes: 3\nagents:\n  player_0: {type: llm\nseed: 1\n")
    with pytest.raises(ConfigError) as e:
        load_tournament(str(path), [])
    assert str(e.value).startswith(f"{path}:4:") and "invalid YAML" in str(e.value) and "\n" not in str(e.value)


def test_top_level_must_be_a_mapping(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n")
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_tournament(str(path), [])


@pytest.mark.parametrize(
    "overrides, message, path",
    [
        (["num_episode=3"], "unknown key 'num_episode' at top level; did you mean 'num_episodes'?", "num_episode"),
        (["agents.player_0.modle=x"], "unknown key 'modle' at agents.player_0; did you mean 'model'?", "agents.player_0.modle"),
        (["num_episodes=five"], "num_episodes: expected an integer, got 'five'", "num_episodes"),
        (["env_config.game_name=tic_tac_to"], "env_config.game_name: unknown game 'tic_tac_to'; did you mean 'tic_tac_toe'?",
         "env_config.game_name"),
        (["agents.player_1.type=randm"],
         "agents.player_1.type: unknown player type 'randm'; expected one of random, mcts, solver, uci, human, llm",
         "agents.player_1.type"),
        (["agents.player_0.temperature=-1"], "agents.player_0.temperature: must be >= 0.0, got -1", "agents.player_0.temperature"),
        (["log_level=loud"], "log_level: expected one of 'DEBUG', 'INFO', 'WARNING' or 'ERROR', got 'loud'", "log_level"),
    ],
)
def test_errors_are_one_line_naming_key_and_value(overrides, message, path):
    e = error(BGA, overrides)
    assert str(e) == message and e.path == path


def test_first_error_reported_with_count_of_the_rest():
    e = error(BGA, ["num_episodes=five", "seed=x", "agents.player_0.modle=m"])
    assert str(e) == "unknown key 'modle' at agents.player_0; did you mean 'model'? (and 2 more problems)"


def test_missing_model_points_at_default_model():
    e = error({**BGA, "agents": {"player_0": {"type": "llm"}, "player_1": {"type": "random"}}})
    assert str(e).startswith("agents.player_0.model: required for an llm player") and "llm_backend.default_model" in str(e)


def test_missing_games_and_players_say_how():
    assert "env_config" in str(error({"players": [{"type": "random"}]}))
    assert str(error({"games": [{"name": "tic_tac_toe"}]})).startswith("players: required")


def test_bad_game_parameters_fail_at_load():
    e = error({**BGA, "env_config": {"game_name": "hex", "boardsize": 7}}, ["mode=null"])
    assert str(e) == "unknown parameter 'boardsize' at env_config for game 'hex'; did you mean 'board_size'?"
    e = error(NATIVE, ["games.1.params.board_size=seven"])
    assert str(e).startswith("games.1.params: game 'hex' rejected parameters {'board_size': 'seven'}")
    e = error(NATIVE, ["games.1.params.board_size=[1]"])
    assert str(e) == "games.1.params.board_size: expected a number, true or false, or a string, got [1]"


def test_player_count_must_fit_the_game_in_a_match():
    e = error(BGA, ["agents.player_2.type=random", "mode=null"])
    assert str(e).startswith("agents: 3 player(s) for 'tic_tac_toe', which needs 2")


def test_round_robin_checks_model_level_rules():
    assert str(error(NATIVE, ["episodes_per_pairing=3"])).startswith("episodes_per_pairing: 3 is odd")
    e = error({**BGA, "agents": {"player_0": {"type": "random"}, "player_1": {"type": "random", "name": "random"}}}, ["mode=null"])
    assert str(e).startswith("agents: duplicate player name(s)")
