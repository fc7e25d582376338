"""Cooperation, retaliation and forgiveness in the iterated prisoner's dilemma."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: no package to import from
from swapped_episodes import play_swapped, random_players  # noqa: E402

from arena.agents.base import Attempt, Decision, Turn  # noqa: E402
from arena.games import load_game  # noqa: E402
from arena.quality.ipd import IteratedPDEvaluator  # noqa: E402

C, D = 0, 1  # OpenSpiel's python_iterated_prisoners_dilemma: COOPERATE, DEFECT


class TitForTat:
    """Cooperates first, then plays the opponent's previous move."""

    async def act(self, turn: Turn) -> Decision:
        history = turn.state.history()  # rounds of (seat 0's action, seat 1's action, chance: go on)
        action = history[len(history) - 3 + (1 - turn.player)] if history else C
        return Decision(action, [Attempt(action=action)])


def _summary(rows: pd.DataFrame) -> dict[tuple[str, str], dict]:
    return {(r["player"], r["metric"]): r for r in IteratedPDEvaluator().summarise(rows, rounds=200, seed=0, level=0.95)}


def _episode_rows(episode: str, mine: list[int], theirs: list[int], fallback_at: int | None = None) -> list[dict]:
    return [{"game_key": "prisoners_dilemma", "play_id": episode, "episode_id": episode, "move_number": t,
             "seat": seat, "player": name, "action": moves[t], "fallback": seat == 0 and t == fallback_at}
            for seat, (name, moves) in enumerate([("x", mine), ("y", theirs)]) for t in range(len(mine))]


def test_tit_for_tat_retaliates_always_and_never_forgives():
    game, evaluator = load_game("prisoners_dilemma"), IteratedPDEvaluator()
    episodes = play_swapped("prisoners_dilemma", [("tft", TitForTat()), *random_players("random")], 60, seed=8)
    rows = pd.DataFrame([r for e in episodes for r in evaluator.evaluate(game, e)])
    s = _summary(rows)
    assert s["tft", "retaliation"]["value"] == 1 and s["tft", "forgiveness"]["value"] == 0
    assert s["tft", "first_move_cooperation"]["value"] == 1
    assert [s["tft", m]["value"] for m in ("p_cc", "p_cd", "p_dc", "p_dd")] == [1, 0, 1, 0]
    # The denominator: the decisions that follow a defection of the opponent, counted from the moves.
    provoked = 0
    for e in episodes:
        seat = e.players.index("tft")
        theirs = e.moves[e.moves["seat"] == 1 - seat].sort_values("move_number")["action"].tolist()
        provoked += sum(a == D for a in theirs[:-1])
    assert s["tft", "retaliation"]["decisions"] == s["tft", "forgiveness"]["decisions"] == provoked > 0
    assert s["random", "cooperation"]["value"] == pytest.approx(0.5, abs=0.1)
    assert s["random", "cooperation"]["ci_low"] < s["random", "cooperation"]["value"] < s["random", "cooperation"]["ci_high"]


def test_hand_counted_rates():
    # t:         0  1  2  3  4  5
    # opponent:  C  D  D  C  D  C
    # x:         C  C  C  D  D  C    forgives at 2 and 5, retaliates at 3 (after the opponent's D at 1, 2, 4)
    s = _summary(pd.DataFrame(_episode_rows("e", [C, C, C, D, D, C], [C, D, D, C, D, C])))
    assert s["x", "cooperation"]["value"] == pytest.approx(4 / 6)
    assert s["x", "retaliation"]["value"] == pytest.approx(1 / 3) and s["x", "retaliation"]["decisions"] == 3
    assert s["x", "forgiveness"]["value"] == pytest.approx(2 / 3)
    # After (own, opponent's) round: (C,C) at 1 -> C; (C,D) at 2 -> C, at 3 -> D; (D,C) at 4 -> D; (D,D) at 5 -> C.
    assert [s["x", m]["value"] for m in ("p_cc", "p_cd", "p_dc", "p_dd")] == [1, 0.5, 0, 1]
    assert [s["x", m]["decisions"] for m in ("p_cc", "p_cd", "p_dc", "p_dd")] == [1, 2, 1, 1]


def test_fallback_moves_are_history_but_not_credit():
    s = _summary(pd.DataFrame(_episode_rows("e", [C, C, C, D, D, C], [C, D, D, C, D, C], fallback_at=3)))
    # The arena's D at 3 is not x's retaliation; x's move at 4 still follows its own D at 3.
    assert s["x", "retaliation"]["value"] == 0 and s["x", "retaliation"]["decisions"] == 2
    assert s["x", "p_dc"]["value"] == 0 and s["x", "p_dc"]["decisions"] == 1
    assert s["x", "cooperation"]["decisions"] == 5 and "1 fallback decision(s) excluded" in s["x", "cooperation"]["note"]
