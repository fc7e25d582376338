"""The solver evaluator: hand-checked verdicts on tic-tac-toe and on a small game with chance, perfect
play judged perfect, and summary numbers worked out by hand."""

import json
import math
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from arena.agents.base import Attempt, Decision, Turn
from arena.config.models import RandomPlayer, SolverPlayer
from arena.games import load_game
from arena.quality.base import QUALITY, SUMMARY_COLUMNS, Episode
from arena.quality.solver_eval import SolverEvaluator

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: no package to import from
from episodes import MOVE_COLUMNS, play_episodes, play_with_agents  # noqa: E402

TTT = load_game("tic_tac_toe")
SOLVER = SolverPlayer(type="solver")


class Scripted:
    """Plays the given actions in turn."""

    def __init__(self, *actions: int) -> None:
        self.actions = list(actions)

    async def act(self, turn: Turn) -> Decision:
        action = self.actions.pop(0)
        return Decision(action, [Attempt(action=action)])


def verdict_at(episode: Episode, move_number: int) -> dict:
    rows = SolverEvaluator().evaluate(TTT, episode)
    return next(r for r in rows if r["move_number"] == move_number)


# After x 0, o 3, x 1, o 4 the board is   x x .   and x, to move, wins only at the top right (action 2):
#                                          o o .   blocking at 5 draws, any other move lets o win at 5.
#                                          . . .
def test_missing_the_only_win_but_blocking_is_a_blunder_losing_one():
    episode = play_with_agents(TTT, [Scripted(0, 1, 5, 6, 8), Scripted(3, 4, 2, 7)], ["x", "o"], seed=1)
    assert episode.status == "ok"
    row = verdict_at(episode, 4)
    assert (row["seat"], row["player"], row["action"]) == (0, "x", 5)
    assert (row["value"], row["best_value"], row["loss"], row["optimal"], row["category"]) == (0, 1, 1, False, "blunder")
    assert json.loads(row["move_values"]) == {"x(0,2)": 1, "x(1,2)": 0, "x(2,0)": -1, "x(2,1)": -1, "x(2,2)": -1}


def test_missing_the_only_win_and_the_block_is_a_blunder_losing_two():
    episode = play_with_agents(TTT, [Scripted(0, 1, 6), Scripted(3, 4, 5)], ["x", "o"], seed=1)
    row = verdict_at(episode, 4)
    assert (row["action"], row["value"], row["best_value"], row["loss"], row["category"]) == (6, -1, 1, 2, "blunder")


def test_taking_the_win_is_best():
    episode = play_with_agents(TTT, [Scripted(0, 1, 2), Scripted(3, 4)], ["x", "o"], seed=1)
    row = verdict_at(episode, 4)
    assert (row["action"], row["value"], row["loss"], row["optimal"], row["category"]) == (2, 1, 0, True, "best")


def test_giving_value_away_within_the_outcome_class_is_an_inaccuracy(tmp_path):
    # Player 0 picks a gamble: safe wins half the time (value 0.5), bold three times in four (0.75),
    # bad loses outright (-1). Every other outcome is a draw.
    efg = tmp_path / "risk.efg"
    efg.write_text('EFG 2 R "risk" { "P1" "P2" } ""\n'
                   'p "" 1 1 "" { "safe" "bold" "bad" } 0\n'
                   'c "" 1 "" { "w" 1/2 "d" 1/2 } 0\nt "" 1 "" { 1, -1 }\nt "" 2 "" { 0, 0 }\n'
                   'c "" 2 "" { "w" 3/4 "d" 1/4 } 0\nt "" 3 "" { 1, -1 }\nt "" 4 "" { 0, 0 }\n'
                   't "" 5 "" { -1, 1 }\n')
    game = load_game("efg_game", {"filename": str(efg)})
    verdicts = {}
    for action in (0, 1, 2):
        episode = play_with_agents(game, [Scripted(action), Scripted()], ["p0", "p1"], seed=3)
        [row] = SolverEvaluator().evaluate(game, episode)
        verdicts[action] = (row["value"], row["best_value"], row["loss"], row["category"])
    assert verdicts == {0: (0.5, 0.75, 0.25, "inaccuracy"), 1: (0.75, 0.75, 0, "best"), 2: (-1, 0.75, 1.75, "blunder")}


def test_perfect_play_is_all_optimal_and_random_play_is_not():
    evaluator = SolverEvaluator()
    episodes = (play_episodes("tic_tac_toe", [SOLVER, RandomPlayer(type="random")], 20, seed=0)
                + play_episodes("tic_tac_toe", [RandomPlayer(type="random"), SOLVER], 20, seed=100))
    rows = [r for e in episodes for r in evaluator.evaluate(TTT, e)]
    pa.Table.from_pylist(rows, schema=QUALITY)  # every row fits the quality table
    summary = pd.DataFrame(evaluator.summarise(pd.DataFrame(rows), rounds=200, seed=0, level=0.95))
    assert list(summary.columns) == SUMMARY_COLUMNS
    metrics = summary.set_index(["player", "metric"])["value"]
    assert metrics["solver", "optimal_pct"] == 100
    assert metrics["solver", "blunders_per_100"] == 0 and metrics["solver", "mean_value_lost"] == 0
    assert metrics["random", "optimal_pct"] < 90 and metrics["random", "blunders_per_100"] > 5
    assert set(summary["episodes"]) == {40}


def hand_rows() -> pd.DataFrame:
    """Player a: episode 1 has 2 optimal moves and a blunder losing 1, episode 2 an optimal move and an
    inaccuracy losing 0.5, plus a move the arena chose (a blunder losing 2, not a's). Player b: 2 optimal."""
    def r(episode, player, loss, category, fallback=False):
        return {"episode_id": episode, "game_key": "tic_tac_toe", "player": player, "fallback": fallback,
                "loss": loss, "optimal": loss == 0, "category": category}
    return pd.DataFrame([
        r("e1", "a", 0, "best"), r("e1", "a", 0, "best"), r("e1", "a", 1, "blunder"),
        r("e2", "a", 0, "best"), r("e2", "a", 0.5, "inaccuracy"), r("e2", "a", 2, "blunder", fallback=True),
        r("e1", "b", 0, "best"), r("e2", "b", 0, "best"),
    ])


def test_summary_matches_hand_computation():
    summary = SolverEvaluator().summarise(hand_rows(), rounds=0, seed=0, level=0.95)
    by = {(s["player"], s["metric"]): s for s in summary}
    assert {k: by[k]["value"] for k in by} == pytest.approx({
        ("a", "optimal_pct"): 60, ("a", "blunders_per_100"): 20, ("a", "mean_value_lost"): 0.3,
        ("b", "optimal_pct"): 100, ("b", "blunders_per_100"): 0, ("b", "mean_value_lost"): 0})
    a = by["a", "optimal_pct"]
    assert (a["decisions"], a["episodes"], a["note"], a["evaluator"]) == (5, 2, "1 arena-chosen move excluded", "solver")
    assert by["b", "optimal_pct"]["note"] is None
    assert a["ci_low"] is None and a["ci_high"] is None  # no rounds, no interval


def test_summary_intervals_resample_whole_episodes():
    # Two episodes of a: resamples are (e1, e1), (e1, e2) or (e2, e2), so the optimal share is 2/3, 3/5 or 1/2.
    summary = SolverEvaluator().summarise(hand_rows(), rounds=500, seed=0, level=0.95)
    a = next(s for s in summary if s["player"] == "a" and s["metric"] == "optimal_pct")
    assert 50 - 1e-9 <= a["ci_low"] <= 60 <= a["ci_high"] <= 100 * 2 / 3 + 1e-9
    assert a["ci_low"] < 60 < a["ci_high"]


def test_a_player_with_only_arena_chosen_moves_has_no_numbers():
    rows = hand_rows()
    rows = rows[rows["player"] == "a"].assign(fallback=True)
    [optimal, *_] = SolverEvaluator().summarise(rows, rounds=100, seed=0, level=0.95)
    assert optimal["decisions"] == 0 and math.isnan(optimal["value"] if optimal["value"] is not None else math.nan)
    assert optimal["note"] == "6 arena-chosen moves excluded"


def test_settings_name_the_limit():
    assert SolverEvaluator(max_states=5000).settings() == {"max_states": 5000}
    assert MOVE_COLUMNS == ["move_number", "seat", "attempt", "action", "legal", "fallback", "model"]
