"""Tailored renderers: labels are unique and parse back, hidden information stays hidden."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

import pytest

from arena.games import load_game, registry
from arena.games.base import Game
from arena.games.kuhn_poker import card_name
from arena.games.prisoners_dilemma import PAYOFF, rounds

DECISIONS = 200
"""Decisions of random play each tailored game is checked on."""
# Every tailored game in the registry, at its default parameters unless a smaller board keeps random
# playouts quick, plus parameter variants worth their own run. A new tailored game needs no line here.
QUICK_PARAMS: dict[str, dict] = {"hex": {"board_size": 5}}
VARIANTS: list[tuple[str, dict]] = [
    ("kuhn_poker", {"players": 3}),
    ("prisoners_dilemma", {"termination_probability": 0.0, "max_game_length": 5}),
    ("hex", {"board_size": 4, "swap": True}),
]
TAILORED = [(name, QUICK_PARAMS.get(name, {})) for name in sorted(registry.TAILORED)] + VARIANTS


def decision_points(game: Game, rng: random.Random, decisions: int, max_plies: int = 80) -> Iterator:
    """(state, player) for the first `decisions` decisions of random playouts, each cut at `max_plies`."""
    seen = 0
    for _ in range(10 * decisions):  # a game with no decisions to make still ends the loop
        state = game.spiel.new_initial_state()
        plies = 0
        while not state.is_terminal() and plies < max_plies:
            plies += 1
            if state.is_chance_node():
                actions, probs = zip(*state.chance_outcomes(), strict=True)
                state.apply_action(rng.choices(actions, probs)[0])
            elif state.is_simultaneous_node():
                for p in range(game.num_players):
                    yield state, p
                seen += game.num_players
                state.apply_actions([rng.choice(state.legal_actions(p)) for p in range(game.num_players)])
            else:
                yield state, state.current_player()
                seen += 1
                state.apply_action(rng.choice(state.legal_actions()))
            if seen >= decisions:
                return


def test_every_registered_tailored_game_is_covered() -> None:
    assert {name for name, _ in TAILORED} == set(registry.TAILORED)
    assert set(QUICK_PARAMS) | {name for name, _ in VARIANTS} <= set(registry.TAILORED)


@pytest.mark.parametrize("name,params", TAILORED, ids=lambda v: str(v))
def test_labels_unique_and_parse_back(name: str, params: dict) -> None:
    game = load_game(name, params)
    renderer = game.renderer
    assert game.tailored and renderer.rules(game.spiel)
    seen, rng = 0, random.Random(7)
    for state, player in decision_points(game, rng, DECISIONS):
        seen += 1
        moves = renderer.legal_moves(state, player)
        labels = [label for _, label in moves]
        assert len(set(labels)) == len(labels), labels
        assert sorted(a for a, _ in moves) == sorted(state.legal_actions(player))
        for action, label in moves:
            assert renderer.parse(state, player, label) == action, label
            raw = state.action_to_string(player, action)
            assert renderer.parse(state, player, raw) == action, raw
        # The wrappers models put around answers, on a few moves per state to keep chess quick.
        for action, label in rng.sample(moves, min(3, len(moves))):
            for variant in (label.upper(), f" '{label}'. ", f"`{label}`", f"**{label}**", f'"{label}".'):
                assert renderer.parse(state, player, variant) == action, (variant, label)
        assert renderer.parse(state, player, "no such move") is None
        assert renderer.parse(state, player, "") is None
        assert renderer.observation(state, player).strip()
    assert seen >= DECISIONS


def test_kuhn_never_shows_the_other_card() -> None:
    game = load_game("kuhn_poker")
    renderer = game.renderer
    for deal in itertools.permutations(range(3), 2):
        for bets in itertools.product((0, 1), repeat=3):
            state = game.spiel.new_initial_state()
            for action in [*deal, *bets]:
                if state.is_terminal():
                    break
                state.apply_action(action)
            for player in (0, 1):
                text = renderer.observation(state, player)
                own, other = card_name(deal[player], 2), card_name(deal[1 - player], 2)
                assert f"Your card: {own}" in text
                assert other not in text and other.split()[1] not in text, text


def test_kuhn_observation_is_the_same_whatever_the_other_card() -> None:
    game = load_game("kuhn_poker")
    # Only while the hand is on: at the end the result itself says who held more.
    for mine, bets in itertools.product(range(3), [(), (0,), (1,), (0, 1)]):
        views = set()
        for theirs in set(range(3)) - {mine}:
            state = game.spiel.new_initial_state()
            for action in (mine, theirs, *bets):
                state.apply_action(action)
            views.add(game.renderer.observation(state, 0))
        assert len(views) == 1, views


def test_iterated_pd_history_and_payoffs_match_the_game() -> None:
    game = load_game("prisoners_dilemma", {"termination_probability": 0.0, "max_game_length": 6})
    rng = random.Random(1)
    state = game.spiel.new_initial_state()
    while not state.is_terminal():
        if state.is_chance_node():
            state.apply_action(0)
            continue
        before = [game.renderer.observation(state, p) for p in (0, 1)]
        state.apply_actions([rng.randrange(2), rng.randrange(2)])
        # The round just chosen is not in either observation taken before both choices were in.
        assert all(f"round {len(rounds(state))}:" not in text for text in before)
    assert len(rounds(state)) == 6
    for player in (0, 1):
        total = sum(PAYOFF[r[player]][r[1 - player]] for r in rounds(state))
        assert total == state.returns()[player]
        text = game.renderer.observation(state, player)
        assert f"Total so far: you {total}," in text and "round 6:" in text
        assert "exactly 6 rounds" in text and "Game over after 6 rounds" in text


def test_matrix_observation_before_the_choice_shows_no_result() -> None:
    for name in ("matrix_pd", "matching_pennies", "matrix_rps"):
        game = load_game(name)
        state = game.spiel.new_initial_state()
        for player in (0, 1):
            text = game.renderer.observation(state, player)
            assert "Result" not in text and "chose" not in text and "Choose now" in text


def test_matrix_observation_is_from_the_players_own_view() -> None:
    game = load_game("matrix_pd")
    state = game.spiel.new_initial_state()
    state.apply_actions([0, 1])  # row cooperates, column defects
    assert "you chose cooperate, your opponent chose defect. Your payoff: 0, theirs: 10" in (
        game.renderer.observation(state, 0)
    )
    assert "you chose defect, your opponent chose cooperate. Your payoff: 10, theirs: 0" in (
        game.renderer.observation(state, 1)
    )
    for player in (0, 1):  # either player sees 'defect vs cooperate' as 10 / 0
        table = game.renderer.observation(state, player)
        assert any(line.startswith("defect") and "10 / 0" in line.split("|")[1] for line in table.splitlines())


def test_tic_tac_toe_coordinates_match_the_board() -> None:
    game = load_game("tic_tac_toe")
    state = game.spiel.new_initial_state()
    for label in ("a1", "c1", "b3"):
        state.apply_action(game.renderer.parse(state, state.current_player(), label))
    board = game.renderer.observation(state, 0).splitlines()
    assert "  1 X . O" in board and "  3 . X ." in board


def test_connect_four_columns_match_the_board() -> None:
    game = load_game("connect_four", {"columns": 5, "rows": 4})
    state = game.spiel.new_initial_state()
    assert [label for _, label in game.renderer.legal_moves(state, 0)] == ["1", "2", "3", "4", "5"]
    for label in ("5", "5", "1"):
        state.apply_action(game.renderer.parse(state, state.current_player(), label))
    lines = game.renderer.observation(state, 0).splitlines()
    assert "1 2 3 4 5" in lines and ". . . . O" in lines and "X . . . X" in lines
