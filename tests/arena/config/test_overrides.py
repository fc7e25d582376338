import pytest

from arena.config.errors import ConfigError
from arena.config.overrides import apply_overrides


def test_values_keep_yaml_types():
    out = apply_overrides({}, ["num_episodes=1", "seed=0", "x=true", "y=[1,2]", "name=foo", "t=0.5", "n=null"])
    assert out == {"num_episodes": 1, "seed": 0, "x": True, "y": [1, 2], "name": "foo", "t": 0.5, "n": None}
    assert type(out["num_episodes"]) is int and type(out["x"]) is bool


def test_dotted_paths_create_intermediate_dicts_and_leave_input_alone():
    data = {"env_config": {"game_name": "tic_tac_toe"}}
    out = apply_overrides(data, ["env_config.game_name=connect_four", "agents.player_0.model=litellm_groq/x"])
    assert out == {"env_config": {"game_name": "connect_four"}, "agents": {"player_0": {"model": "litellm_groq/x"}}}
    assert data == {"env_config": {"game_name": "tic_tac_toe"}}


def test_integer_segments_index_lists_and_append_at_the_end():
    data = {"games": [{"name": "hex"}]}
    out = apply_overrides(data, ["games.0.params.board_size=7", "games.1.name=chess"])
    assert out["games"] == [{"name": "hex", "params": {"board_size": 7}}, {"name": "chess"}]
    with pytest.raises(ConfigError, match="games' is a list of 1"):
        apply_overrides(data, ["games.5.name=x"])


def test_repeated_keys_last_wins():
    assert apply_overrides({}, ["num_episodes=1", "num_episodes=3"]) == {"num_episodes": 3}


def test_value_may_contain_equals_and_null_section_accepts_keys():
    out = apply_overrides({"env_config": None}, ["env_config.game_name=a=b"])
    assert out == {"env_config": {"game_name": "a=b"}}


@pytest.mark.parametrize("pair", ["num_episodes", "=3", "a..b=1"])
def test_malformed_pair_names_it(pair):
    with pytest.raises(ConfigError) as e:
        apply_overrides({}, [pair])
    assert f"'{pair}'" in str(e.value) and "\n" not in str(e.value)


def test_descending_into_a_scalar_is_an_error():
    with pytest.raises(ConfigError, match="'seed' is 42"):
        apply_overrides({"seed": 42}, ["seed.x=1"])
