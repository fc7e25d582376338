"""Exploitability of empirical poker policies against values known in closed form."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: no package to import from
from swapped_episodes import FixedAction, play_swapped, random_players  # noqa: E402

from arena.games import load_game  # noqa: E402
from arena.quality.poker import ExploitabilityEvaluator  # noqa: E402

UNIFORM_EXPLOITABILITY = 11 / 24  # 0.4583; NashConv 11/12 (OpenSpiel's exploitability tests give the same)
PASS, BET = 0, 1


def _rows(game_name: str, episodes: list, evaluator: ExploitabilityEvaluator) -> pd.DataFrame:
    game = load_game(game_name)
    return pd.DataFrame([r for e in episodes for r in evaluator.evaluate(game, e)])


def _metrics(summary: list[dict]) -> dict[str, dict]:
    return {r["metric"]: r for r in summary}


def _policy_rows(bets: dict[str, tuple[int, int]], player: str = "p", fallback: bool = False) -> pd.DataFrame:
    """Rows that take BET `k` times out of `n` at each information state (`bets`: state -> (k, n))."""
    rows = [{"game_key": "kuhn_poker", "player": player, "episode_id": f"{state}-{i}", "info_state": state,
             "action": BET if i < k else PASS,
             "fallback": fallback}
            for state, (k, n) in bets.items() for i in range(n)]
    return pd.DataFrame(rows)


def _equilibrium(alpha_thirds: int) -> dict[str, tuple[int, int]]:
    """Kuhn's equilibrium family (Kuhn 1950): the first player bets the jack with probability alpha in
    [0, 1/3], the king with 3 alpha, and calls a bet with the queen with alpha + 1/3; the second player's
    strategy is fixed. Here alpha = alpha_thirds / 3, each state taken 3 times."""
    return {"0": (alpha_thirds, 3), "1": (0, 3), "2": (3 * alpha_thirds, 3), "0pb": (0, 3), "1pb": (alpha_thirds + 1, 3),
            "2pb": (3, 3), "0p": (1, 3), "1p": (0, 3), "2p": (3, 3), "0b": (0, 3), "1b": (1, 3), "2b": (3, 3)}


def test_random_play_recovers_the_uniform_policys_exploitability():
    evaluator = ExploitabilityEvaluator()
    rows = _rows("kuhn_poker", play_swapped("kuhn_poker", random_players("random", "random"), 5000, seed=11), evaluator)
    m = _metrics(evaluator.summarise(rows, rounds=300, seed=0, level=0.95))
    e = m["exploitability"]
    # Simulated, the estimate from n random episodes in one seat each has sd 0.017 (n = 5,000) and 0.007
    # (n = 20,000) and no bias measurable at these sizes. Self-play doubles the decisions: sd about 0.012 at
    # 5,000 episodes, so 0.035 is 3 sd; a wrong policy or best response misses by far more (always-bet 1/3).
    assert e["value"] == pytest.approx(UNIFORM_EXPLOITABILITY, abs=0.035)
    assert m["nash_conv"]["value"] == pytest.approx(2 * e["value"])
    assert e["ci_low"] < e["value"] < e["ci_high"] and 0.02 < e["ci_high"] - e["ci_low"] < 0.15
    assert e["episodes"] == 5000 and e["decisions"] == len(rows)
    assert "12 of 12 information states visited" in e["note"]


def test_exactly_uniform_rows_give_the_uniform_value():
    m = _metrics(ExploitabilityEvaluator().summarise(_policy_rows({s: (1, 2) for s in _equilibrium(0)}),
                                                     rounds=0, seed=0, level=0.95))
    assert m["exploitability"]["value"] == pytest.approx(UNIFORM_EXPLOITABILITY, abs=1e-9)
    assert m["nash_conv"]["value"] == pytest.approx(11 / 12, abs=1e-9)
    assert np.isnan(m["exploitability"]["ci_low"])


@pytest.mark.parametrize("alpha_thirds", [0, 1])
def test_an_equilibrium_policy_is_not_exploitable(alpha_thirds):
    m = _metrics(ExploitabilityEvaluator().summarise(_policy_rows(_equilibrium(alpha_thirds)), rounds=50, seed=0,
                                                     level=0.95))
    assert m["exploitability"]["value"] == pytest.approx(0, abs=1e-9)
    assert m["nash_conv"]["value"] == pytest.approx(0, abs=1e-9)
    assert m["exploitability"]["ci_low"] >= -1e-9  # resamples drift off the equilibrium, never below it


def test_always_bet_has_the_hand_computed_exploitability():
    # Against always-bet, a best response bets the king (+2), checks and folds the jack (-1), and with the
    # queen is indifferent (0): 1/3 in either seat, so NashConv 2/3 and exploitability 1/3 (docs/quality.md).
    evaluator = ExploitabilityEvaluator()
    rows = _rows("kuhn_poker", play_swapped("kuhn_poker", [("bet", FixedAction(BET))] * 2, 60, seed=5), evaluator)
    m = _metrics(evaluator.summarise(rows, rounds=100, seed=0, level=0.95))
    assert m["exploitability"]["value"] == pytest.approx(1 / 3, abs=1e-9)
    assert m["nash_conv"]["value"] == pytest.approx(2 / 3, abs=1e-9)
    # It never checks, so the states after a check are never met: they are filled with uniform play and said.
    assert "6 of 12 information states visited" in m["exploitability"]["note"]
    assert "6 unvisited, played uniformly" in m["exploitability"]["note"]


def test_fallback_moves_are_not_credited():
    rows = pd.concat([_policy_rows(_equilibrium(0)), _policy_rows({"0": (3, 3), "0b": (3, 3)}, fallback=True)])
    m = _metrics(ExploitabilityEvaluator().summarise(rows, rounds=0, seed=0, level=0.95))
    assert m["exploitability"]["value"] == pytest.approx(0, abs=1e-9)
    assert m["exploitability"]["decisions"] == 36
    assert "6 fallback decision(s) excluded" in m["exploitability"]["note"]


def test_leduc_runs_with_capped_rounds():
    evaluator = ExploitabilityEvaluator(rounds_cap=5)
    rows = _rows("leduc_poker", play_swapped("leduc_poker", random_players("random", "random"), 200, seed=3), evaluator)
    m = _metrics(evaluator.summarise(rows, rounds=1000, seed=0, level=0.95))
    e = m["exploitability"]
    # Mostly uniform play (most of the 936 states unvisited); the uniform policy's exploitability is 2.3736.
    assert 2.0 < e["value"] < 3.2 and m["nash_conv"]["value"] == pytest.approx(2 * e["value"])
    assert "of 936 information states visited" in e["note"] and "bootstrap capped at 5 of 1000 rounds" in e["note"]
    assert e["ci_low"] <= e["ci_high"]
