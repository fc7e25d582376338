"""The replay that rebuilds each decision's position: forfeits end it, wrong records are refused."""

from __future__ import annotations

import pandas as pd
import pytest

from arena.games import load_game
from arena.quality.base import Episode, ReplayMismatch, decisions

COLUMNS = ["move_number", "seat", "attempt", "action", "legal", "fallback", "model"]


def _episode(game: str, rows: list[tuple]) -> Episode:
    moves = pd.DataFrame([dict(zip(COLUMNS, r, strict=True)) for r in rows], columns=COLUMNS)
    return Episode("e", "p", "t", game, game, 1, ["a", "b"], "forfeit", moves)


def test_a_forfeit_at_a_simultaneous_move_ends_the_replay_with_the_other_seats_decision():
    # seat 1 answered nothing legal: the episode ended there, seat 0's choice is still a decision
    episode = _episode("matrix_rps", [(0, 0, 1, 2, True, None, None), (0, 1, 1, None, False, None, None)])
    taken = [(d.seat, d.action) for d in decisions(load_game("matrix_rps"), episode)]
    assert taken == [(0, 2)]


def test_a_seat_missing_before_later_moves_does_not_replay():
    rows = [(0, 0, 1, 4, True, None, None), (2, 0, 1, 0, True, None, None)]  # move 1 (seat 1's) is missing
    with pytest.raises(ReplayMismatch, match="move 1"):
        list(decisions(load_game("tic_tac_toe"), _episode("tic_tac_toe", rows)))


def test_the_last_legal_attempt_is_the_move_applied():
    rows = [(0, 0, 1, 4, True, None, None), (0, 0, 2, 0, True, "random", None), (1, 1, 1, 8, True, None, None)]
    taken = [(d.seat, d.action, d.fallback) for d in decisions(load_game("tic_tac_toe"), _episode("tic_tac_toe", rows))]
    assert taken == [(0, 0, True), (1, 8, False)]


def test_a_python_implemented_game_replays_without_cloning_its_states(monkeypatch):
    # OpenSpiel's Python games (the iterated prisoner's dilemma) are moved on in place
    from arena.quality import base

    game = load_game("prisoners_dilemma")
    cls = type(game.spiel.new_initial_state())
    monkeypatch.setattr(cls, "clone", lambda self: pytest.fail("cloned a Python-implemented state"), raising=False)
    rows = [(m, s, 1, 0, True, None, None) for m in range(2) for s in range(2)]
    episode = Episode("e", "p", "t", "prisoners_dilemma", "prisoners_dilemma", 3, ["a", "b"], "ok",
                      pd.DataFrame([dict(zip(COLUMNS, r, strict=True)) for r in rows], columns=COLUMNS))
    seen = [(d.move_number, d.seat) for d in base.decisions(game, episode)]
    assert seen[:2] == [(0, 0), (0, 1)]
