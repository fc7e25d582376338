"""Hex: every one of OpenSpiel's stone marks renders as its owner's plain symbol."""

from __future__ import annotations

import random

import pytest

from arena.games import load_game
from arena.games.hex import cells, draw


@pytest.mark.parametrize("string_rep", ["standard", "explicit"])
@pytest.mark.parametrize("size", [3, 5, 7, 11])
def test_random_games_render_only_plain_stones(size: int, string_rep: str) -> None:
    game = load_game("hex", {"board_size": size, "string_rep": string_rep})
    renderer = game.renderer
    rng = random.Random(size)
    raw_marks: set[str] = set()
    for _ in range(60 if size < 11 else 25):
        state = game.spiel.new_initial_state()
        placed = [0, 0]
        while not state.is_terminal():
            player = state.current_player()
            state.apply_action(rng.choice(state.legal_actions()))
            placed[player] += 1
            raw_marks |= set(str(state).split())
            board = cells(state)
            assert len(board) == size and all(len(row) == size for row in board)
            flat = [c for row in board for c in row]
            assert set(flat) <= {"x", "o", "."}
            assert (flat.count("x"), flat.count("o")) == tuple(placed)
            # The drawn board holds the same cells, row by row, under its coordinates.
            drawn = draw(state).splitlines()
            assert [line.split()[1:] for line in drawn[1:-1]] == board
        assert "Game over" in renderer.observation(state, 0)
    if string_rep == "explicit" and size >= 5:  # edge-connection and winning marks did occur
        assert {"y", "z", "p", "q"} <= raw_marks and raw_marks & {"X", "O"}


def test_labels_follow_the_drawn_board() -> None:
    game = load_game("hex", {"board_size": 7})
    state = game.spiel.new_initial_state()
    labels = [label for _, label in game.renderer.legal_moves(state, 0)]
    assert labels[:8] == ["a1", "b1", "c1", "d1", "e1", "f1", "g1", "a2"] and labels[-1] == "g7"
    state.apply_action(game.renderer.parse(state, 0, "c3"))
    state.apply_action(game.renderer.parse(state, 1, "G1"))
    text = game.renderer.observation(state, 0)
    assert "  a b c d e f g" in text and "1 . . . . . . o" in text and "  3 . . x . . . ." in text
    assert text.startswith("You play Black (x), connecting the top and bottom edges. It is your turn.")
    assert "Last move: White g1." in text


def test_black_wins_down_a_column_and_white_across_a_row() -> None:
    for winner, script in ((0, "c1 a1 c2 a2 c3 a3 c4 b4 c5"), (1, "a1 a3 b1 b3 c1 c3 a5 d3 b5 e3")):
        game = load_game("hex", {"board_size": 5})
        state = game.spiel.new_initial_state()
        for label in script.split():
            state.apply_action(game.renderer.parse(state, state.current_player(), label))
        assert state.is_terminal() and state.returns()[winner] == 1
        assert "Game over: you won." in game.renderer.observation(state, winner)
