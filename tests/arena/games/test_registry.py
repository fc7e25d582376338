"""Registry: the tailored games, parameters, names, and the generic fallback."""

from __future__ import annotations

import random

import pytest

from arena.games import available_games, load_game
from arena.games.registry import TAILORED, UnknownGame


def test_exactly_the_registered_games_are_tailored() -> None:
    games = available_games()
    assert {name for name, tailored in games if tailored} == set(TAILORED)
    assert all(load_game(name).tailored for name in TAILORED)
    names = [name for name, _ in games]
    assert len(names) == len(set(names)) and "breakthrough" in names
    # The OpenSpiel names behind tailored games are not listed a second time, untailored.
    assert "matrix_mp" not in names and "python_iterated_prisoners_dilemma" not in names


def test_hex_board_size() -> None:
    game = load_game("hex", {"board_size": 7})
    assert game.tailored and game.key == "hex(board_size=7)"
    assert len(game.renderer.legal_moves(game.spiel.new_initial_state(), 0)) == 49
    assert "7x7" in game.renderer.rules(game.spiel)


def test_bad_name_suggests_the_closest() -> None:
    with pytest.raises(UnknownGame, match="did you mean 'tic_tac_toe'"):
        load_game("tic_tac_to")
    with pytest.raises(UnknownGame, match="did you mean 'matching_pennies'"):
        load_game("matching_penies")


def test_bad_parameter_is_reported() -> None:
    with pytest.raises(UnknownGame, match="rejected parameters"):
        load_game("hex", {"board_sise": 7})


def test_int_where_openspiel_wants_a_float() -> None:
    game = load_game("prisoners_dilemma", {"termination_probability": 0, "max_game_length": 3})
    assert game.spiel.get_parameters()["termination_probability"] == 0.0
    assert game is load_game("prisoners_dilemma", {"termination_probability": 0.0, "max_game_length": 3})


@pytest.mark.parametrize("name", ["breakthrough", "leduc_poker"])
def test_generic_renderer_round_trips(name: str) -> None:
    game = load_game(name)
    assert not game.tailored and game.renderer.rules(game.spiel)
    rng = random.Random(5)
    seen = 0
    for _ in range(100):
        state = game.spiel.new_initial_state()
        while not state.is_terminal() and seen < 300:
            if state.is_chance_node():
                actions, probs = zip(*state.chance_outcomes(), strict=True)
                state.apply_action(rng.choices(actions, probs)[0])
                continue
            player = state.current_player()
            moves = game.renderer.legal_moves(state, player)
            assert len({label for _, label in moves}) == len(moves)
            for action, label in moves:
                assert game.renderer.parse(state, player, label) == action
            assert f"You are player {player}" in game.renderer.observation(state, player)
            seen += 1
            state.apply_action(rng.choice(state.legal_actions()))
    assert seen >= 100


def test_generic_leduc_keeps_the_other_card_hidden() -> None:
    game = load_game("leduc_poker")
    views = set()
    for theirs in (1, 2):  # player 0 holds card 0; player 1 holds one of two others
        state = game.spiel.new_initial_state()
        state.apply_action(0)
        state.apply_action(theirs)
        views.add(game.renderer.observation(state, 0))
    assert len(views) == 1
