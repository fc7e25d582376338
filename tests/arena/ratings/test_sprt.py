"""SPRT over seat-swapped pairs: LLR values against fishtest's, error rates on simulated truth, pairs from results.

Reference LLRs were computed with fishtest's own functions (official-stockfish/fishtest,
server/fishtest/stats/LLRcalc.py at b8eecff2: `LLR_logistic`, `LLR_normalized`) and are checked
by hand against the Brownian (GSPRT) approximation LLR ≈ N (s1 - s0)(2m - s0 - s1) / (2 var),
with m and var the mean and variance of the pair score scaled to 0, 1/4, 1/2, 3/4, 1.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import brentq

from arena.ratings.pentanomial import pair_scores, pentanomial
from arena.ratings.sprt import PAIR_SCORES, bounds, elo_estimate, llr, logistic_score, sprt

S50 = logistic_score(50)  # 1 / (1 + 10^(-50/400)) = 0.5714631


def brownian_llr(counts: list[int], s0: float, s1: float) -> float:
    p = np.asarray(counts, float) / sum(counts)
    mean = p @ PAIR_SCORES
    var = p @ (PAIR_SCORES - mean) ** 2
    return float(sum(counts) * (s1 - s0) * (2 * mean - s0 - s1) / (2 * var))


def test_symmetric_pairs_favour_neither_and_reject_a_50_elo_edge():
    # [10, 20, 40, 20, 10]: m = 0.5, var = 2 (0.1 * 0.25 + 0.2 * 0.0625) = 0.075.
    # Brownian: 100 * 0.0714631 * (1 - 0.5 - 0.5714631) / 0.15 = -3.40465; fishtest's exact GSPRT: -3.352121207268.
    counts = [10, 20, 40, 20, 10]
    assert brownian_llr(counts, 0.5, S50) == pytest.approx(-3.40465, abs=1e-5)
    assert llr(counts, 0, 50) == pytest.approx(-3.352121207268, abs=1e-9)
    assert llr(counts, 0, 5) == pytest.approx(-0.034506850952, abs=1e-9)
    assert llr(counts, -10, 20) == pytest.approx(-0.411670187243, abs=1e-9)
    assert llr(counts, 0, 50, "normalized") == pytest.approx(-2.060189540834, abs=1e-9)
    result = sprt(counts, 0, 50)
    assert result.decision == "H0" and result.llr <= result.lower
    assert result.elo == pytest.approx(0.0, abs=1e-9)


def test_pairs_favouring_a_accept_a_50_elo_edge():
    # [3, 15, 40, 25, 17]: m = (0.25*15 + 0.5*40 + 0.75*25 + 17) / 100 = 0.595,
    # var = (0.0625*15 + 0.25*40 + 0.5625*25 + 17) / 100 - 0.595^2 = 0.42 - 0.354025 = 0.065975.
    # Brownian, elo 0 v 50: 100 * 0.0714631 * (1.19 - 0.5 - 0.5714631) / 0.13195 = 6.41987;
    # fishtest's exact GSPRT: 6.085349004076.
    counts = [3, 15, 40, 25, 17]
    assert brownian_llr(counts, 0.5, S50) == pytest.approx(6.41987, abs=1e-5)
    assert llr(counts, 0, 50) == pytest.approx(6.085349004076, abs=1e-9)
    assert llr(counts, 0, 5) == pytest.approx(0.908128680132, abs=1e-9)
    assert llr(counts, -10, 20) == pytest.approx(5.245101770201, abs=1e-9)
    assert llr(counts, 0, 50, "normalized") == pytest.approx(5.191679176588, abs=1e-9)
    assert llr(counts, -10, 20, "normalized") == pytest.approx(4.059752247805, abs=1e-9)
    result = sprt(counts, 0, 50)
    assert result.decision == "H1" and result.llr >= result.upper and result.pairs == 100


def test_elo_estimate_is_fishtests_with_the_pair_variance():
    # m = 0.595 -> 400 log10(0.595 / 0.405) = 66.8248; se = sqrt(0.065975) / 10 = 0.025686,
    # 1.96 se = 0.050343 -> scores 0.544657 and 0.645343 -> 31.114 and 103.993 Elo;
    # fishtest's get_elo gives 66.82477700555 +- 36.4394184 (the half width).
    elo, low, high = elo_estimate([3, 15, 40, 25, 17])
    assert elo == pytest.approx(66.82477700555, abs=1e-8)
    assert (high - low) / 2 == pytest.approx(36.439418388863, abs=1e-6)
    assert low == pytest.approx(31.1139, abs=1e-3) and high == pytest.approx(103.9927, abs=1e-3)


def test_empty_cells_count_as_a_thousandth_of_a_pair_as_in_fishtest():
    assert llr([0, 0, 10, 10, 30], 0, 50) == pytest.approx(6.679442349159, abs=1e-9)
    assert llr([0, 0, 10, 10, 30], 0, 50, "normalized") == pytest.approx(7.518283123334, abs=1e-9)
    elo, low, high = elo_estimate([0, 0, 0, 0, 7])  # a perfect record: large, finite, the interval open above
    assert elo > 1000 and high == math.inf and low > 400


def test_the_undecided_middle_and_no_pairs_keep_playing():
    undecided = sprt([5, 12, 30, 14, 9], 0, 50)  # fishtest: -0.002548572340
    assert undecided.llr == pytest.approx(-0.002548572340, abs=1e-9) and undecided.decision is None
    empty = sprt([0, 0, 0, 0, 0], 0, 50)
    assert (empty.llr, empty.decision, empty.pairs) == (0.0, None, 0)
    assert math.isnan(empty.elo) and (empty.elo_low, empty.elo_high) == (-math.inf, math.inf)


def test_bounds_are_walds():
    assert bounds(0.05, 0.05) == pytest.approx((math.log(0.05 / 0.95), math.log(0.95 / 0.05)))
    assert bounds(0.05, 0.1) == pytest.approx((math.log(0.1 / 0.95), math.log(0.9 / 0.05)))


@pytest.mark.parametrize("call", [
    lambda: sprt([1, 2, 3], 0, 5), lambda: sprt([1, -1, 3, 4, 5], 0, 5), lambda: sprt([1, 2, 3, 4, 5], 5, 0),
    lambda: sprt([1, 2, 3, 4, 5], 0, 5, alpha=0), lambda: sprt([1, 2, 3, 4, 5], 0, 5, alpha=0.6, beta=0.5),
    lambda: llr([1, 2, 3, 4, 5], 0, 5, "bayes"),  # type: ignore[arg-type]
])
def test_bad_input_is_refused(call):
    with pytest.raises(ValueError):
        call()


# Simulated truth: the pair-score distribution closest to BASE (an exponential tilt) whose mean is
# the score of the true Elo difference. BASE has the draws and split pairs that balanced seats give.
BASE = np.array([0.05, 0.2, 0.5, 0.2, 0.05])
ELO0, ELO1, ALPHA, BETA, TESTS = 0.0, 50.0, 0.05, 0.05, 300


def true_pdf(elo: float) -> np.ndarray:
    def off(theta: float) -> float:
        w = BASE * np.exp(theta * PAIR_SCORES)
        return float(w @ PAIR_SCORES / w.sum()) - logistic_score(elo)
    w = BASE * np.exp(brentq(off, -50.0, 50.0) * PAIR_SCORES)
    return w / w.sum()


def decisions(true_elo: float, seed: int, max_pairs: int = 2000) -> dict[str | None, int]:
    """Run TESTS sequential tests, each looking after every pair, and count their decisions."""
    rng = np.random.default_rng(seed)
    lower, upper = bounds(ALPHA, BETA)
    found: dict[str | None, int] = {"H0": 0, "H1": 0, None: 0}
    for _ in range(TESTS):
        counts, decision = np.zeros(5), None
        for cell in rng.choice(5, size=max_pairs, p=true_pdf(true_elo)):
            counts[cell] += 1
            value = llr(counts, ELO0, ELO1)
            if value >= upper or value <= lower:
                decision = "H1" if value >= upper else "H0"
                break
        found[decision] += 1
    return found


@pytest.mark.parametrize(("true_elo", "right", "max_wrong"), [
    (ELO1 + 50, "H1", 0.0), (ELO0 - 50, "H0", 0.0),
    # At the hypotheses the wrong decision has probability about alpha (beta); the bound is that plus
    # three binomial standard errors over TESTS tests, sqrt(0.05 * 0.95 / 300) = 0.0126.
    (ELO1, "H1", BETA + 3 * 0.0126), (ELO0, "H0", ALPHA + 3 * 0.0126),
])
def test_simulated_tests_decide_right_with_the_promised_error_rates(true_elo, right, max_wrong):
    found = decisions(true_elo, seed=int(true_elo) + 1000)
    wrong = "H0" if right == "H1" else "H1"
    assert found[None] == 0
    assert found[wrong] / TESTS <= max_wrong
    if true_elo in (ELO0, ELO1):  # and not so conservative that the error budget goes unused
        assert found[wrong] / TESTS >= 0.01


def seat_rows(eid, players, returns, status="ok", forfeit_seat=None, game="g"):
    return [{"episode_id": eid, "game_key": game, "seat": i, "player": p, "status": status,
             "return": None if status == "error" else r, "outcome": None if status == "error" else "x",
             "forfeit": i == forfeit_seat, "first_mover": i == 0}
            for i, (p, r) in enumerate(zip(players, returns, strict=True))]


def results(plays):
    """plays: (seed, repetition, seating, players by seat, returns, status, forfeit seat, game)."""
    seats, episodes = [], []
    for n, (seed, rep, seating, players, returns, status, forfeit_seat, game) in enumerate(plays):
        eid = f"e{n}"
        seats += seat_rows(eid, players, returns, status, forfeit_seat, game)
        episodes.append({"episode_id": eid, "seed": seed, "repetition": rep, "seating": seating})
    return pd.DataFrame(seats), pd.DataFrame(episodes)


PLAYS = [
    (10, 0, 0, ("a", "b"), (1, -1), "ok", None, "g"), (10, 0, 1, ("b", "a"), (-1, 1), "ok", None, "g"),  # WW
    (11, 1, 0, ("a", "b"), (1, -1), "ok", None, "g"), (11, 1, 1, ("b", "a"), (1, -1), "ok", None, "g"),  # WL
    (12, 2, 0, ("a", "b"), (0, 0), "ok", None, "g"), (12, 2, 1, ("b", "a"), (1, -1), "ok", None, "g"),  # DL
    (13, 3, 0, ("a", "b"), (1, -1), "ok", None, "g"), (13, 3, 1, ("b", "a"), (0, 0), "error", None, "g"),  # unfinished
    (14, 4, 0, ("a", "b"), (1, -1), "ok", None, "g"),  # its other seating not played yet
    (15, 5, 0, ("a", "b"), (-1, 1), "forfeit", 0, "g"), (15, 5, 1, ("b", "a"), (-1, 1), "ok", None, "g"),  # a forfeits, then wins: LW
    (16, 0, 0, ("b", "a"), (0, 0), "ok", None, "g"), (16, 0, 1, ("a", "b"), (1, -1), "ok", None, "g"),  # b listed first: DW
    (20, 0, 0, ("a", "c"), (1, -1), "ok", None, "g"), (20, 0, 1, ("c", "a"), (-1, 1), "ok", None, "g"),  # another pairing
    (30, 0, 0, ("a", "b"), (1, -1), "ok", None, "h"), (30, 0, 1, ("b", "a"), (-1, 1), "ok", None, "h"),  # another game
    (40, 0, 0, ("a", "b", "c"), (1, 0, -1), "ok", None, "g"), (40, 0, 1, ("b", "a", "c"), (0, 1, -1), "ok", None, "g"),
]


def test_finished_seat_swapped_pairs_become_pentanomial_counts():
    seats, episodes = results(PLAYS)
    scores = pair_scores(seats, episodes, "a", "b", "g")
    assert scores.to_dict() == {(10, 0): 2.0, (11, 1): 1.0, (12, 2): 0.5, (15, 5): 1.0, (16, 0): 1.5}
    assert pentanomial(seats, episodes, "a", "b", "g").tolist() == [0, 1, 2, 1, 1]
    assert pentanomial(seats, episodes, "b", "a", "g").tolist() == [1, 1, 2, 1, 0]  # the mirror image
    assert pentanomial(seats, episodes, "a", "b", "h").tolist() == [0, 0, 0, 0, 1]


def test_a_forfeit_loses_the_episode():
    seats, episodes = results([PLAYS[9], (15, 5, 1, ("b", "a"), (1, -1), "ok", None, "g")])
    assert pentanomial(seats, episodes, "a", "b", "g").tolist() == [1, 0, 0, 0, 0]


@pytest.mark.parametrize(("a", "b", "game"), [("a", "a", "g"), ("a", "z", "g"), ("a", "b", "chess")])
def test_unknown_players_and_games_are_refused(a, b, game):
    seats, episodes = results(PLAYS)
    with pytest.raises(ValueError):
        pentanomial(seats, episodes, a, b, game)


def test_two_episodes_in_one_place_of_the_schedule_are_refused():
    seats, episodes = results([*PLAYS[:2], (10, 0, 1, ("b", "a"), (1, -1), "ok", None, "g")])
    with pytest.raises(ValueError, match="deduplicate"):
        pentanomial(seats, episodes, "a", "b", "g")
