"""The adaptive loop: rate, check the stopping rules, choose a round, play it, again; every round recorded.

The loop knows nothing of how episodes are played: `play` turns a RoundChoice into
the round's results (a Ray driver, or `simulate.play_round`), `rate` turns all results
so far into ratings with intervals (`rate_with`: the project's `rate_types`). Given
the same `play` results, the run is a function of `rng` alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from arena.adaptive.choose import RoundChoice, next_round
from arena.adaptive.state import Observed
from arena.adaptive.stop import StopReason, stop_reason
from arena.ratings.rating import ANCHOR_RATING, DEFAULT_REFERENCE, Ratings, rate_types

Chooser = Callable[[Observed, "Ratings | None", int, np.random.Generator], RoundChoice]
"""(results so far, their ratings, episodes this round may have at most, generator) -> the round."""


@dataclass(frozen=True)
class AdaptiveSchedule:
    """The `schedule: {mode: adaptive, ...}` settings."""

    target_ci: float = 50.0
    """Stop when every rating's 95% half-width is at most this (Elo points)."""
    batch_episodes: int = 200
    min_per_pairing: int = 4
    max_episodes: int = 20_000
    separate_adjacent: bool = True
    """Also stop when every two players adjacent in the ranking have disjoint intervals."""


@dataclass(frozen=True)
class RoundRecord:
    number: int
    episodes_before: int
    choice: RoundChoice

    def as_dict(self) -> dict:
        """JSON-ready: which pairings, how many episodes, why, and the half-widths they were chosen from."""
        return {"round": self.number, "episodes_before": self.episodes_before, "episodes": self.choice.episodes,
                "half_widths": self.choice.half_widths,
                "best_gain": None if self.choice.best_gain == float("inf") else self.choice.best_gain,
                "allocations": [{"game": a.game, "players": list(a.players), "episodes": a.episodes, "reason": a.reason}
                                for a in self.choice.allocations]}


@dataclass(frozen=True)
class ScheduleRun:
    observed: Observed
    ratings: Ratings | None
    rounds: tuple[RoundRecord, ...]
    stop: StopReason


def rate_with(*, rounds: int = 1000, seed: int = 0, reference: str | None = DEFAULT_REFERENCE,
              anchor_rating: float = ANCHOR_RATING) -> Callable[[Observed], Ratings]:
    """The project's ratings of counted results (`rate_types`), with these options."""
    def rate(observed: Observed) -> Ratings:
        return rate_types(observed.types(), list(observed.players), rounds=rounds, seed=seed, reference=reference,
                          anchor_rating=anchor_rating)
    return rate


def adaptive_chooser(schedule: AdaptiveSchedule) -> Chooser:
    def choose(observed: Observed, ratings: Ratings | None, budget: int, rng: np.random.Generator) -> RoundChoice:
        return next_round(observed, ratings, target_ci=schedule.target_ci, batch_episodes=budget,
                          min_per_pairing=schedule.min_per_pairing, rng=rng,
                          remaining_episodes=schedule.max_episodes - observed.episodes)
    return choose


def run_schedule(play: Callable[[RoundChoice], Observed], start: Observed, schedule: AdaptiveSchedule, *,
                 rng: np.random.Generator, rate: Callable[[Observed], Ratings],
                 choose: Chooser | None = None) -> ScheduleRun:
    """Rounds until a stopping rule holds; `choose` defaults to the adaptive rule of `schedule`."""
    choose = choose or adaptive_chooser(schedule)
    observed = start
    ratings = rate(observed) if observed.episodes else None
    rounds: list[RoundRecord] = []
    while True:
        reason = stop_reason(observed, ratings, target_ci=schedule.target_ci, max_episodes=schedule.max_episodes,
                             separate_adjacent=schedule.separate_adjacent)
        if reason is not None:
            break
        budget = min(schedule.batch_episodes, schedule.max_episodes - observed.episodes)
        choice = choose(observed, ratings, budget, rng)
        if choice.nothing_helps or choice.episodes == 0:
            reason = StopReason.NOTHING_HELPS
            break
        rounds.append(RoundRecord(len(rounds) + 1, observed.episodes, choice))
        observed = observed.merged(play(choice))
        ratings = rate(observed)
    return ScheduleRun(observed, ratings, tuple(rounds), reason)


def fixed_chooser(pairs_per_pairing: int) -> Chooser:
    """Rounds of full round robins (`fixed.round_robin_round`), for comparison."""
    from arena.adaptive.fixed import round_robin_round

    def choose(observed: Observed, ratings: Ratings | None, budget: int, rng: np.random.Generator) -> RoundChoice:
        del budget, rng
        return round_robin_round(observed, ratings, pairs_per_pairing=pairs_per_pairing)
    return choose


__all__ = ["AdaptiveSchedule", "RoundRecord", "ScheduleRun", "adaptive_chooser", "fixed_chooser",
           "rate_with", "run_schedule"]
