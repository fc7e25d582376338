"""Chess: UCI labels really are the moves OpenSpiel plays, SAN is accepted too."""

from __future__ import annotations

import random

import pyspiel

from arena.games import load_game
from arena.games.chess import numbered

GAME = load_game("chess")
R = GAME.renderer


def _board(fen: str) -> dict[str, str]:
    squares: dict[str, str] = {}
    for i, rank in enumerate(fen.split()[0].split("/")):
        row = "".join("." * int(c) if c.isdigit() else c for c in rank)
        for f, piece in enumerate(row):
            squares[f"{'abcdefgh'[f]}{8 - i}"] = piece
    return squares


def _state(fen: str) -> pyspiel.State:
    return GAME.spiel.new_initial_state(fen)


def test_uci_labels_move_the_pieces_they_name() -> None:
    rng = random.Random(3)
    checked = 0
    for _ in range(3):
        state = GAME.spiel.new_initial_state()
        while not state.is_terminal() and len(state.history()) < 120:
            player = state.current_player()
            white = str(state).split()[1] == "w"
            assert (player == 1) == white  # OpenSpiel: player 1 is White
            before = _board(str(state))
            for action, uci in R.legal_moves(state, player):
                piece = before[uci[:2]]
                assert piece != "." and piece.isupper() == white, (uci, str(state))
                after = _board(str(state.child(action)))
                expected = piece if len(uci) == 4 else (uci[4].upper() if white else uci[4])
                assert after[uci[2:4]] == expected and after[uci[:2]] == ".", (uci, str(state))
                checked += 1
            state.apply_action(rng.choice(state.legal_actions()))
    assert checked > 3000


def test_san_and_other_spellings_parse() -> None:
    state = GAME.spiel.new_initial_state()
    assert R.parse(state, 1, "e2e4") == R.parse(state, 1, "e4") == R.parse(state, 1, "E2-E4")
    assert R.parse(state, 1, "Nf3") == R.parse(state, 1, "g1f3") == R.parse(state, 1, "nf3")
    assert R.parse(state, 1, "Ke2") is None and R.parse(state, 1, "e5") is None
    castle = _state("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1")
    short = R.parse(castle, 1, "e1g1")
    assert short is not None and all(R.parse(castle, 1, s) == short for s in ("O-O", "0-0", "o-o"))
    long = R.parse(castle, 1, "e1c1")
    assert long is not None and R.parse(castle, 1, "O-O-O") == long != short


def test_promotion_and_check_suffixes() -> None:
    state = _state("8/4P3/8/8/8/8/8/k6K w - - 0 1")
    labels = dict((label, a) for a, label in R.legal_moves(state, 1))
    assert {"e7e8q", "e7e8r", "e7e8b", "e7e8n"} <= labels.keys()
    for text in ("e8=Q", "e8Q", "e8=Q+", "E7E8Q", "e7-e8q"):
        assert R.parse(state, 1, text) == labels["e7e8q"], text
    check = _state("4k3/8/8/8/8/8/8/R3K3 w - - 0 1")
    rook = R.parse(check, 1, "a1a8")
    assert R.parse(check, 1, "Ra8+") == R.parse(check, 1, "Ra8") == rook is not None


def test_san_case_is_exact_where_it_matters() -> None:
    # Both the b-pawn and the bishop can take on c3: 'bxc3' and 'Bxc3' differ only in case.
    state = _state("4k3/8/8/8/8/2n5/1P1B4/4K3 w - - 0 1")
    pawn, bishop = R.parse(state, 1, "b2c3"), R.parse(state, 1, "d2c3")
    assert pawn is not None and bishop is not None and pawn != bishop
    assert R.parse(state, 1, "bxc3") == pawn and R.parse(state, 1, "Bxc3") == bishop
    assert R.parse(state, 1, "BXC3") is None  # ambiguous once case is gone


def test_observation_has_board_fen_and_recent_san() -> None:
    state = GAME.spiel.new_initial_state()
    for uci in ("e2e4", "e7e5", "g1f3", "b8c6", "f1b5"):
        state.apply_action(R.parse(state, state.current_player(), uci))
    text = R.observation(state, 0)
    assert text.startswith("You play Black (lowercase pieces). It is your turn.")
    assert f"FEN: {state}" in text
    assert "Moves so far (SAN): 1. e4 e5 2. Nf3 Nc6 3. Bb5" in text
    assert "5 . B . . p . . . 5" in text and "1 R N B Q K . . R 1" in text


def test_move_numbers_when_history_is_long_or_starts_with_black() -> None:
    start = "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1"
    assert numbered(start, ["e4", "e5", "Nf3", "Nc6"], keep=3) == "... 1... e5 2. Nf3 Nc6"
    assert numbered(start.replace(" w ", " b ").replace(" 0 1", " 0 7"), ["e5", "Nf3"]) == "7... e5 8. Nf3"
