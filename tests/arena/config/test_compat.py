import pytest

from arena.config.compat import translate
from arena.config.errors import ConfigError
from arena.config.load import load_tournament_dict
from arena.config.models import LLMPlayer, RandomPlayer, _check_mode


def bga(**extra):
    data = {
        "env_config": {"game_name": "tic_tac_toe", "max_game_rounds": None},
        "num_episodes": 5,
        "seed": 42,
        "use_ray": True,
        "parallel_episodes": True,
        "mode": "llm_vs_random",
        "agents": {"player_0": {"type": "llm", "model": "litellm_groq/llama3-8b-8192"}, "player_1": {"type": "random"}},
        "log_level": "INFO",
    }
    data.update(extra)
    return data


def test_single_game_becomes_a_match_in_seat_order():
    t = load_tournament_dict(bga())
    assert t.format == "match" and t.num_episodes == 5 and t.seed == 42 and t.mode == "llm_vs_random"
    assert [g.name for g in t.games] == ["tic_tac_toe"] and t.games[0].params == {}
    assert isinstance(t.players[0], LLMPlayer) and t.players[0].model == "litellm_groq/llama3-8b-8192"
    assert isinstance(t.players[1], RandomPlayer)
    assert t.name == "tic_tac_toe_llm_vs_random"


def test_seats_follow_player_numbers_not_file_order():
    data = bga(agents={"player_1": {"type": "random"}, "player_0": {"type": "llm", "model": "m"}})
    assert [p.type for p in load_tournament_dict(data).players] == ["llm", "random"]


def test_env_configs_give_several_games_with_params():
    data = bga(env_configs=[{"game_name": "tic_tac_toe"}, {"game_name": "hex", "board_size": 5}])
    del data["env_config"]
    t = load_tournament_dict(data)
    assert [(g.name, g.params) for g in t.games] == [("tic_tac_toe", {}), ("hex", {"board_size": 5})]


def test_max_game_rounds_sets_iterated_prisoners_dilemma_length():
    data = bga(env_config={"game_name": "python_iterated_prisoners_dilemma", "max_game_rounds": 10})
    t = load_tournament_dict(data)
    assert t.games[0].params == {"max_game_length": 10}
    # the BGA name translates the same way (the registry maps it to OpenSpiel's game)
    assert translate(bga(env_config={"game_name": "prisoners_dilemma", "max_game_rounds": 4})).data["games"] == [
        {"name": "prisoners_dilemma", "params": {"max_game_length": 4}}
    ]
    data = bga(env_config={"game_name": "prisoners_dilemma", "max_game_rounds": 4, "termination_probability": 0})
    assert load_tournament_dict(data).games[0].params == {"max_game_length": 4, "termination_probability": 0}


def test_llm_backend_fills_unset_sampling_and_model():
    agents = {"player_0": {"type": "llm"}, "player_1": {"type": "llm", "model": "vllm_tiny", "temperature": 0.7}}
    data = bga(agents=agents, mode="llm_vs_llm",
               llm_backend={"max_tokens": 250, "temperature": 0.1, "default_model": "litellm_groq/gemma-7b-it",
                            "inference_backend": "litellm"})
    p0, p1 = load_tournament_dict(data).players
    assert (p0.model, p0.temperature, p0.max_tokens) == ("litellm_groq/gemma-7b-it", 0.1, 250)
    assert (p1.model, p1.temperature, p1.max_tokens) == ("vllm_tiny", 0.7, 250)


def test_llm_backend_applies_to_native_players_too():
    data = {"games": [{"name": "tic_tac_toe"}], "players": [{"type": "llm", "model": "a"}, {"type": "random"}],
            "llm_backend": {"temperature": 0.3}}
    assert load_tournament_dict(data).players[0].temperature == 0.3


def test_same_type_on_both_seats_gets_seat_tagged_names():
    data = bga(agents={"player_0": {"type": "random"}, "player_1": {"type": "random", "model": None}}, mode="random_vs_random")
    assert [p.display_name for p in load_tournament_dict(data).players] == ["random@player_0", "random@player_1"]


def test_native_keys_pass_through_next_to_bga_keys():
    t = load_tournament_dict(bga(name="mine", output_dir="out", max_moves=20, log_level="debug"))
    assert (t.name, t.output_dir, t.max_moves, t.log_level) == ("mine", "out", 20, "DEBUG")


def test_mode_is_checked_against_player_types():
    _check_mode("llm_vs_random", ["random", "llm"])
    with pytest.raises(ValueError, match="does not match"):
        _check_mode("llm_vs_llm", ["llm", "random"])
    with pytest.raises(ConfigError, match=r"^mode: 'llm_vs_llm' does not match"):
        load_tournament_dict(bga(mode="llm_vs_llm"))


@pytest.mark.parametrize(
    "data, message",
    [
        (bga(games=[{"name": "hex"}]), "games: give either games or env_config"),
        (bga(players=[{"type": "random"}]), "players: give either players or agents"),
        (bga(agents={"p0": {"type": "random"}}), "agents.p0: seats are named player_0"),
        (bga(agents={"player_1": {"type": "random"}}), "player_0 is missing"),
        (bga(env_config={"game_nam": "tic_tac_toe"}), "unknown key 'game_nam' at env_config; did you mean 'game_name'?"),
        (bga(env_config={"game_name": "tic_tac_toe", "max_game_rounds": 3}), "env_config.max_game_rounds: 3 applies only"),
        (bga(use_ray="yes please"), "use_ray: expected true or false, got 'yes please'"),
        (bga(llm_backend={"temprature": 0.1}), "unknown key 'temprature' at llm_backend; did you mean 'temperature'?"),
    ],
)
def test_bga_shape_errors(data, message):
    with pytest.raises(ConfigError) as e:
        load_tournament_dict(data)
    assert message in str(e.value) and "\n" not in str(e.value)
