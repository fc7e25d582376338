"""Move vocabularies: every move name that exists at a state, legal or not.

The answer parser looks for the move an answer names last among these, so a vocabulary
must hold every legal label (or a move would be missed) and the illegal moves a model may
name (or an earlier, legal mention would be found instead).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pyspiel
import pytest

from arena.games import generic, load_game
from arena.games.base import MoveVocabulary, move_vocabulary
from arena.games.chess import MOVE_TOKEN, SQUARE_TOKEN

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: no package to import from
from test_renderers import TAILORED, decision_points  # noqa: E402


@pytest.mark.parametrize("name,params", TAILORED, ids=lambda v: str(v))
def test_vocabulary_names_every_legal_move_and_spelling(name: str, params: dict) -> None:
    game = load_game(name, params)
    renderer = game.renderer
    plies = 30 if name == "chess" else 80  # chess parses slowly: every parse lists the moves in SAN
    for state, player in decision_points(game, random.Random(11), 100, max_plies=plies):
        vocabulary = renderer.vocabulary(state, player)
        for action, label in renderer.legal_moves(state, player):
            assert vocabulary.recognises(label), (name, label)
            spiel = state.action_to_string(player, action)
            assert vocabulary.recognises(spiel), (name, spiel)  # parse() accepts it
        for text in vocabulary.names:  # every name parses to a legal action or to nothing
            found = renderer.parse(state, player, text)
            assert found is None or found in state.legal_actions(player)


def test_tic_tac_toe_names_all_cells_occupied_or_not() -> None:
    game = load_game("tic_tac_toe")
    state = game.spiel.new_initial_state()
    state.apply_action(4)
    vocabulary = game.renderer.vocabulary(state, 1)
    cells = {f"{c}{r}" for c in "abc" for r in "123"}
    assert cells <= set(vocabulary.names) and "o(1,1)" in vocabulary.names
    assert game.renderer.parse(state, 1, "b2") is None  # it exists, but is taken


def test_connect_four_and_hex_name_every_column_and_cell() -> None:
    game = load_game("connect_four")
    state = game.spiel.new_initial_state()
    for _ in range(6):
        state.apply_action(0)
    assert {str(c) for c in range(1, 8)} <= set(game.renderer.vocabulary(state, 0).names)
    hexes = load_game("hex", {"board_size": 4, "swap": True})
    state = hexes.spiel.new_initial_state()
    names = set(hexes.renderer.vocabulary(state, 0).names)
    assert {f"{c}{r}" for c in "abcd" for r in "1234"} | {"swap"} <= names  # swap exists, not legal yet


def test_kuhn_names_every_poker_word_in_every_state() -> None:
    game = load_game("kuhn_poker")
    state = game.spiel.new_initial_state()
    state.apply_action(0)
    state.apply_action(1)
    for bet in (False, True):
        player = state.current_player()
        assert {"pass", "bet", "check", "call", "fold"} <= set(game.renderer.vocabulary(state, player).names)
        assert (game.renderer.parse(state, player, "check") is None) == bet
        assert (game.renderer.parse(state, player, "fold") is None) == (not bet)
        state.apply_action(1)


def test_matrix_names_each_players_own_actions() -> None:
    game = load_game("matrix_rps")
    state = game.spiel.new_initial_state()
    for player in (0, 1):
        names = set(game.renderer.vocabulary(state, player).names)
        assert {"rock", "paper", "scissors", "r", "p", "s"} <= names


def test_renderer_without_vocabulary_falls_back_to_legal_labels() -> None:
    class Bare:
        def legal_moves(self, state: pyspiel.State, player: int) -> list[tuple[int, str]]:
            return [(a, f"m{a}") for a in state.legal_actions(player)]

    state = load_game("tic_tac_toe").spiel.new_initial_state()
    state.apply_action(0)
    assert move_vocabulary(Bare(), state, 1) == MoveVocabulary(names=tuple(f"m{a}" for a in range(1, 9)))


def test_move_vocabulary_always_adds_the_legal_labels() -> None:
    game = load_game("tic_tac_toe")
    state = game.spiel.new_initial_state()

    class Forgetful(type(game.renderer)):  # type: ignore[misc]
        def vocabulary(self, state: pyspiel.State, player: int) -> MoveVocabulary:
            return MoveVocabulary(names=("zz",))

    assert set(move_vocabulary(Forgetful(), state, 0).names) == {"zz"} | {lbl for _, lbl in game.renderer.legal_moves(state, 0)}


# --- Chess: a recogniser of move-shaped tokens instead of a list ---


def test_chess_token_recognises_every_legal_label_and_alias() -> None:
    game = load_game("chess")
    for state, player in decision_points(game, random.Random(2), 360, max_plies=120):
        for move in game.renderer.moves(state, player):
            for text in (move.label, *move.aliases):
                assert MOVE_TOKEN.fullmatch(text), text


@pytest.mark.parametrize("text", ["e2e5", "Qh5", "Qh5+", "Nbd7", "R1e2", "exd5", "e8=Q", "e7e8q", "O-O-O", "0-0",
                                  "Ng1-f3", "e2xe4", "Kxh8#", "e4!?", "b1c3"])
def test_chess_token_recognises_moves_legal_or_not(text: str) -> None:
    assert MOVE_TOKEN.fullmatch(text)


@pytest.mark.parametrize("text", ["e9", "i1", "hello", "Nf", "a", "e2e", "Zf3", "O-O-O-O"])
def test_chess_token_rejects_what_is_no_move(text: str) -> None:
    assert not MOVE_TOKEN.fullmatch(text)


def test_only_bare_squares_are_weak() -> None:
    assert SQUARE_TOKEN.fullmatch("e4") and not SQUARE_TOKEN.fullmatch("e4+") and not SQUARE_TOKEN.fullmatch("Nf3")


def test_chess_long_algebraic_with_a_piece_parses_when_the_piece_is_there() -> None:
    game = load_game("chess")
    state = game.spiel.new_initial_state()
    uci = {label: action for action, label in game.renderer.legal_moves(state, 1)}
    for text in ("Ng1-f3", "Ng1f3", "Ng1xf3"):
        assert game.renderer.parse(state, 1, text) == uci["g1f3"]
    assert game.renderer.parse(state, 1, "e2xe4") == uci["e2e4"]
    assert game.renderer.parse(state, 1, "Pe2-e4") == uci["e2e4"]
    assert game.renderer.parse(state, 1, "Bg1-f3") is None  # no bishop on g1
    assert game.renderer.parse(state, 1, "Ng1-f4") is None  # no such knight move


# --- The generic renderer: OpenSpiel's label of every distinct action it can name ---


@pytest.mark.parametrize("name", ["breakthrough", "gin_rummy", "shogi", "leduc_poker"])
def test_generic_vocabulary_names_all_actions_it_can(name: str) -> None:
    game = load_game(name)
    renderer = game.renderer
    for state, player in decision_points(game, random.Random(4), 6, max_plies=6):
        vocabulary = renderer.vocabulary(state, player)
        labels = {label for _, label in renderer.legal_moves(state, player)}
        assert labels <= set(vocabulary.names)
    if name == "breakthrough":  # most moves are illegal at any one time, and are named all the same
        assert len(vocabulary.names) > 2 * len(labels)


def test_generic_vocabulary_falls_back_to_legal_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    game = load_game("breakthrough")
    state = game.spiel.new_initial_state()
    monkeypatch.setattr(generic, "MAX_NAMED_ACTIONS", 10)
    names = game.renderer.vocabulary(state, 0).names
    assert set(names) == {label for _, label in game.renderer.legal_moves(state, 0)}


@pytest.mark.parametrize("name", ["antichess", "dark_chess", "kriegspiel"])
def test_games_on_openspiels_chess_board_name_only_their_legal_moves(name: str) -> None:
    # Naming an illegal action makes the chess board's ToSAN read memory it does not own (valgrind: invalid
    # and uninitialised reads), the same family of defect as crazyhouse's crash: those actions are not named.
    game = load_game(name)
    for state, player in decision_points(game, random.Random(4), 3, max_plies=4):
        names = set(game.renderer.vocabulary(state, player).names)
        assert names == {label for _, label in game.renderer.legal_moves(state, player)}
