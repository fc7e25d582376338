"""Stopping: the target, separated neighbours, the cap, and nothing more to gain, each named."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from arena.adaptive import AdaptiveSchedule, Observed, StopReason, rate_with, run_schedule, stop_reason
from arena.adaptive.simulate import play_round
from arena.adaptive.stop import adjacent_separated
from arena.ratings.rating import POOLED, Ratings

PLAYERS = ["a", "b", "c"]


def ratings(rating: list[float], half: list[float]) -> Ratings:
    r, h = np.array(rating), np.array(half)
    table = pd.DataFrame({"scope": POOLED, "player": PLAYERS, "rating": r, "ci_low": r - h, "ci_high": r + h,
                          "comparisons": 0.0})
    return Ratings(table, pd.DataFrame(), {POOLED: "a"}, 100, 0.95, "a")


def some(episodes: int) -> Observed:
    obs = Observed.empty(["g"], PLAYERS)
    obs.counts[0, 0, 1, 0] = episodes
    return obs


def test_each_reason():
    on_target = ratings([1000, 1100, 1200], [0, 50, 49])
    wide_apart = ratings([1000, 1300, 1600], [0, 120, 140])
    wide_close = ratings([1000, 1100, 1200], [0, 120, 140])
    assert stop_reason(some(10), on_target, target_ci=50, max_episodes=100) is StopReason.TARGET
    assert stop_reason(some(10), wide_apart, target_ci=50, max_episodes=100) is StopReason.SEPARATED
    assert stop_reason(some(10), wide_apart, target_ci=50, max_episodes=100, separate_adjacent=False) is None
    assert stop_reason(some(10), wide_close, target_ci=50, max_episodes=100) is None
    assert stop_reason(some(100), wide_close, target_ci=50, max_episodes=100) is StopReason.MAX_EPISODES
    assert stop_reason(some(0), None, target_ci=50, max_episodes=100) is None


def test_adjacent_separated_in_rating_order():
    assert adjacent_separated(np.array([3.0, 1.0, 2.0]), np.array([2.6, 0.5, 1.6]), np.array([3.4, 1.5, 2.4]))
    assert not adjacent_separated(np.array([3.0, 1.0, 2.0]), np.array([2.6, 0.5, 1.4]), np.array([3.4, 1.5, 2.4]))


def simulated(schedule: AdaptiveSchedule, truth: list[float], seed: int = 0):
    start = Observed.empty(["g"], PLAYERS)
    outcomes = np.random.default_rng([seed, 1])
    return run_schedule(lambda c: play_round(c, start, np.array(truth), outcomes, draw_share=0.2), start, schedule,
                        rng=np.random.default_rng([seed, 0]), rate=rate_with(rounds=20, seed=seed, reference="a"))


def test_runs_stop_for_the_reason_they_say():
    # 156 episodes reach the target in this trial: a cap of 150 cuts the last round short, and stops.
    capped = simulated(AdaptiveSchedule(target_ci=80, batch_episodes=50, max_episodes=150, separate_adjacent=False),
                       [0, 50, 100])
    assert capped.stop is StopReason.MAX_EPISODES and capped.observed.episodes == 150
    met = simulated(AdaptiveSchedule(target_ci=150, batch_episodes=50, separate_adjacent=False), [0, 50, 100])
    assert met.stop is StopReason.TARGET and met.rounds[0].choice.allocations[0].reason == "fill to min_per_pairing"
    apart = simulated(AdaptiveSchedule(target_ci=5, batch_episodes=50), [0, 400, 800])
    assert apart.stop is StopReason.SEPARATED
    # c beats everyone for sure: only the prior bounds its interval above, and the 2,000 episodes
    # the cap allows cannot narrow it to the target.
    hopeless = simulated(AdaptiveSchedule(target_ci=50, batch_episodes=50, max_episodes=2000, separate_adjacent=False),
                         [0, 20, 9000])
    assert hopeless.stop is StopReason.NOTHING_HELPS and hopeless.observed.episodes < 2000


def test_a_run_is_deterministic_from_its_seed():
    schedule = AdaptiveSchedule(target_ci=80, batch_episodes=60, separate_adjacent=False)
    first, again = simulated(schedule, [0, 30, 300], seed=5), simulated(schedule, [0, 30, 300], seed=5)
    assert first.rounds == again.rounds
    np.testing.assert_array_equal(first.observed.counts, again.observed.counts)
    other = simulated(schedule, [0, 30, 300], seed=6)
    assert not np.array_equal(first.observed.counts, other.observed.counts)


def test_every_round_is_recorded_with_its_reasons_and_widths():
    run = simulated(AdaptiveSchedule(target_ci=80, batch_episodes=60, separate_adjacent=False), [0, 30, 300])
    records = [r.as_dict() for r in run.rounds]
    assert records[0]["half_widths"] == {} and {a["reason"] for a in records[0]["allocations"]} == {"fill to min_per_pairing"}
    later = records[1]
    assert set(later["half_widths"]) == {"b", "c"} and later["episodes"] <= 60
    assert all(a["reason"].startswith("shrinks ") and a["episodes"] % 2 == 0 for a in later["allocations"])
    assert sum(r["episodes"] for r in records) == run.observed.episodes
    json.dumps(records)
