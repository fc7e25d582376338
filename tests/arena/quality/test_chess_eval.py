"""Stockfish's verdict on chess moves: mates found and missed, lichess's formulas, the per-player summary."""

import math
import sys
from pathlib import Path

import pandas as pd
import pytest

from arena.agents.uci_engines import engine_path
from arena.config.models import RandomPlayer, UCIPlayer
from arena.games import load_game
from arena.quality.base import Episode
from arena.quality.chess_eval import StockfishEvaluator
from arena.quality.lichess import Eval, judgement, move_accuracy, win_percent

needs_stockfish = pytest.mark.skipif(engine_path("stockfish") is None, reason="no stockfish binary (apt-get install stockfish)")
CHESS = load_game("chess")
CATEGORIES = {"best", "good", "inaccuracy", "mistake", "blunder"}
SCHOLARS_MATE_SET_UP = ["e4", "e5", "Bc4", "Nc6", "Qh5", "Nf6"]  # White to move mates with Qxf7#


def episode(sans: list[str], fallback_at: int | None = None) -> Episode:
    """An episode of these SAN moves from the start (White is seat 1 in OpenSpiel's chess)."""
    state, rows = CHESS.spiel.new_initial_state(), []
    for i, san in enumerate(sans):
        action = state.string_to_action(san)
        rows.append({"move_number": i, "seat": state.current_player(), "attempt": 1, "action": action, "legal": True,
                     "fallback": "random" if i == fallback_at else None, "model": None})
        state.apply_action(action)
    return Episode(episode_id="e1", play_id="p1", tournament="t", game="chess", game_key=CHESS.key, seed=0,
                   players=["black", "white"], status="ok", moves=pd.DataFrame(rows))


@pytest.fixture(scope="module")
def evaluator():
    with StockfishEvaluator(depth=10) as e:
        yield e


@needs_stockfish
def test_a_missed_mate_in_one_is_a_blunder_and_the_mate_is_optimal(evaluator):
    missed = evaluator.evaluate(CHESS, episode([*SCHOLARS_MATE_SET_UP, "a3"]))[-1]
    assert missed["player"] == "white" and missed["best_value"] == 1000
    assert missed["note"].startswith("Stockfish") and missed["note"].endswith(": Qxf7#")
    assert missed["category"] == "blunder" and not missed["optimal"]
    assert missed["loss"] == 1000  # mate (+1000) to a lost queen (below -100), capped
    assert missed["accuracy"] < 5

    mate = evaluator.evaluate(CHESS, episode([*SCHOLARS_MATE_SET_UP, "Qxf7#"]))[-1]
    assert mate["optimal"] and mate["loss"] == 0 and mate["category"] == "best"
    assert mate["value"] == mate["best_value"] == 1000 and mate["accuracy"] == 100


@needs_stockfish
def test_verdicts_repeat_and_each_position_is_searched_once(evaluator, monkeypatch):
    moves = ["e4", "e5", "Nf3", "Nc6", "Bb5", "a6", "Ba4", "Nf6"]
    first = evaluator.evaluate(CHESS, episode(moves))
    evaluator.evaluate(CHESS, episode(["d4", "d5", "c4"]))  # whatever the engine saw in between
    searches = []
    search = evaluator._search
    monkeypatch.setattr(evaluator, "_search", lambda *a: searches.append(1) or search(*a))
    again = evaluator.evaluate(CHESS, episode(moves))
    assert again == first
    assert len(searches) == len(moves) + 1
    assert [r["best_value"] for r in first[1:]] == [-r["value"] for r in first[:-1]]  # one search, both sides


@needs_stockfish
def test_real_episodes_judge_the_engine_above_a_random_player():
    sys.path.insert(0, str(Path(__file__).parent))
    from episodes import play_episodes

    played = play_episodes("chess", [UCIPlayer(type="uci", nodes=300), RandomPlayer(type="random")], 1, seed=3)
    with StockfishEvaluator(depth=6) as shallow:
        rows = pd.DataFrame(shallow.evaluate(CHESS, played[0]))
        summary = pd.DataFrame(shallow.summarise(rows, rounds=0, seed=0, level=0.95))
    assert len(rows) == len(played[0].moves) and set(rows["category"]) <= CATEGORIES
    assert rows["loss"].between(0, 1000).all() and rows["accuracy"].between(0, 100).all()
    acpl = summary[summary["metric"] == "acpl"].set_index("player")["value"]
    assert acpl["stockfish_n300"] < acpl["random"]


def test_settings_are_known_without_starting_the_engine():
    # the report summarises chess on machines without Stockfish: naming the settings must not need it
    s = StockfishEvaluator(engine="no-such-chess-engine", depth=10).settings()
    assert s == {"engine": "no-such-chess-engine", "depth": 10, "nodes": None, "cp_cap": 1000}


def test_lichess_formulas_against_values_worked_by_hand():
    # win% at +100 cp: 50 + 50 * (2 / (1 + exp(-0.368208)) - 1) = 50 + 50 * (2 / 1.691973 - 1) = 59.1026
    assert win_percent(100) == pytest.approx(59.1026, abs=1e-4)
    assert win_percent(0) == 50 and win_percent(-100) == pytest.approx(100 - 59.1026, abs=1e-4)
    # a 10-point drop: 103.1668 * exp(-0.4354415) - 3.1669 + 1 (lila's bonus) = 103.1668 * 0.646979 - 2.1669 = 64.580
    assert move_accuracy(60, 50) == pytest.approx(64.580, abs=1e-3)
    assert move_accuracy(50, 50) == move_accuracy(40, 45) == 100  # no drop: perfect
    assert move_accuracy(100, 0) == 0  # clamped


def test_judgements_follow_the_drop_in_winning_chances_and_lichess_mate_rules():
    # winning chances (-1..1): +300 cp is 0.5023, 0 cp is 0: a 0.50 drop
    assert judgement(Eval(cp=300), Eval(cp=0)) == "blunder"
    assert judgement(Eval(cp=0), Eval(cp=-50)) is None  # 2 / (1 + e^0.1841) - 1 = -0.092: under 0.1
    assert judgement(Eval(cp=0), Eval(cp=-60)) == "inaccuracy"  # 2 / (1 + e^0.2209) - 1 = -0.110
    assert judgement(Eval(cp=-800), Eval(mate=-3)) == "mistake"  # walked into a mate from an already lost position
    assert judgement(Eval(mate=2), Eval(cp=1200)) == "inaccuracy"  # let a mate go, still winning big
    assert judgement(Eval(mate=2), Eval(mate=-4)) == "blunder"
    assert judgement(Eval(mate=5), Eval(mate=7)) is None  # a slower mate is not flagged


def test_summary_of_handmade_rows():
    rows = pd.DataFrame([
        # player a: episode 1 has a best move and a mistake, episode 2 an inaccuracy; one arena-chosen blunder
        {"episode_id": "1", "loss": 0.0, "accuracy": 100.0, "category": "best", "fallback": False},
        {"episode_id": "1", "loss": 100.0, "accuracy": 50.0, "category": "mistake", "fallback": False},
        {"episode_id": "2", "loss": 50.0, "accuracy": 80.0, "category": "inaccuracy", "fallback": False},
        {"episode_id": "2", "loss": 900.0, "accuracy": 0.0, "category": "blunder", "fallback": True},
    ]).assign(game_key="chess", player="a")
    summary = StockfishEvaluator(depth=1).summarise(rows, rounds=0, seed=0, level=0.95)
    got = {r["metric"]: r["value"] for r in summary}
    assert got == pytest.approx({"acpl": 50.0, "accuracy_pct": 230 / 3, "inaccuracies_per_100": 100 / 3,
                                 "mistakes_per_100": 100 / 3, "blunders_per_100": 0.0})
    assert {(r["decisions"], r["episodes"], r["note"], r["evaluator"]) for r in summary} == {
        (3, 2, "1 arena-chosen move excluded", "stockfish")}
    with_ci = StockfishEvaluator(depth=1).summarise(rows, rounds=200, seed=1, level=0.9)
    for r in with_ci:
        assert r["ci_low"] <= r["value"] + 1e-9 and r["value"] <= r["ci_high"] + 1e-9, r
    assert math.isclose(next(r["ci_high"] for r in with_ci if r["metric"] == "mistakes_per_100"), 50.0)
