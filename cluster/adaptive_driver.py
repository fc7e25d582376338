"""The driver of an adaptive schedule: rate what the folder holds, choose a round, record it, play it, again.

Each round is written to schedule.json before its first episode is played and the
round's rows are flushed before the next choice, so the folder always holds what the
next choice is made from. A run started again plays what is missing of the recorded
rounds (the rest of the round a kill cut short, and episodes that errored), then
chooses on. The generator of round n is seeded from the tournament's seed and n
alone, and the ratings' bootstrap from a fixed seed: the same results give the same
rounds, whether or not the run was stopped in between.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from arena.adaptive import Observed, RoundRecord, next_round, rate_with, sequential, stop_reason
from arena.adaptive.record import ScheduleRecord
from arena.adaptive.stop import StopReason
from arena.config.models import LLMPlayer, Tournament
from arena.ratings.comparisons import comparisons
from arena.ratings.rating import ANCHOR_RATING, DEFAULT_REFERENCE, POOLED, Ratings
from arena.results import completed_episode_ids, load
from arena.results.location import ResultsDir
from arena.results.manifest import Manifest
from arena.results.schema import TABLES
from arena.schedule import derive_seed
from backends.plan import BackendPlan
from cluster.driver import RunSummary, ShardPlayer, _shard_size, until_stopped
from cluster.live_counts import live_counts
from cluster.progress import EpisodeProgress
from cluster.ray_session import cluster_cpus

log = logging.getLogger(__name__)

STOP_WORDS = {
    StopReason.TARGET: "every rating's 95% interval is within ±{target:g} Elo",
    StopReason.SEPARATED: "every two neighbours in the ranking are separated",
    StopReason.MAX_EPISODES: "max_episodes ({cap}) reached",
    StopReason.NOTHING_HELPS: "no pairing can bring the intervals to ±{target:g} Elo within max_episodes",
    StopReason.BUDGET: "schedule.budget_usd (${budget:g}) spent",
    StopReason.DECIDED: "every pairing's sequential test decided",
    StopReason.NO_RESULTS: "a whole round gave no result (every episode errored); see the errors, then run again",
}


@dataclass
class FolderState:
    """What the next choice is made from: the folder's rated episodes counted, their ratings, spend and tests."""

    observed: Observed
    ratings: Ratings | None
    spent_usd: float
    tests: dict


def folder_state(root: ResultsDir, t: Tournament) -> FolderState:
    games, players = [g.key for g in t.games], [p.display_name for p in t.players]
    observed, spent, tests = Observed.empty(games, players), 0.0, {}
    if root.child("episodes").list(prefix="part-", suffix=".parquet"):
        results = load(root, moves=False, lean=True)
        seats = results.seats[results.seats["game_key"].isin(games) & results.seats["player"].isin(players)]
        comps = comparisons(seats)
        observed = Observed.from_comparisons(comps[comps["weight"] == 1.0], games, players)
        spent = float(pd.to_numeric(seats["cost_usd"], errors="coerce").fillna(0.0).sum())
        if t.schedule.sprt is not None:
            tests = sequential.tests(sequential.pentanomials(seats, results.episodes, players), t.schedule.sprt)
    reference = t.reference.player if t.reference else DEFAULT_REFERENCE
    rate = rate_with(reference=reference, anchor_rating=t.reference.rating if t.reference else ANCHOR_RATING)
    return FolderState(observed, rate(observed) if observed.episodes else None, spent, tests)


def widest(ratings: Ratings | None) -> float | None:
    """The widest 95% half-width of the pooled ratings (Elo points); None before every player has one."""
    if ratings is None:
        return None
    table = ratings.table[ratings.table.scope == POOLED]
    half = (table["ci_high"] - table["ci_low"]) / 2.0
    return None if half.empty or half.isna().any() else float(half.max())


def run_adaptive(t: Tournament, plan: BackendPlan | None, show_progress: bool, root: ResultsDir, extend: bool,
                 done: set[str] | None) -> RunSummary:
    """Rounds until the schedule stops (see the module docstring); Ray must be initialised."""
    s = t.schedule
    manifest = Manifest(root, t, extend)
    for table in TABLES:
        root.child(table).remove_stale_temporaries()
    done = completed_episode_ids(root) if done is None else done
    record = ScheduleRecord.read(root)
    record.settings, record.stop = s.model_dump(mode="json"), None
    cpus = cluster_cpus()
    max_in_flight = t.max_in_flight or 2 * cpus
    manifest.save(scheduled=None, schedule="adaptive")
    player = ShardPlayer(t, plan, root, live_counts() if show_progress else None, max_in_flight)
    models = any(isinstance(p, LLMPlayer) for p in t.players)
    start, reason, state, skipped = time.perf_counter(), None, None, 0
    with EpisodeProgress(0, enabled=show_progress, models=models) as bar, until_stopped(player) as stop:
        recorded = list(record.episodes(t))
        missing = [e for e in recorded if e.episode_id not in done]
        skipped = len(recorded) - len(missing)
        if missing:
            bar.say(f"schedule: playing the {len(missing)} missing episodes of {len(record.rounds)} recorded rounds")
            _play(player, missing, t, cpus, bar)
        rated_before = None  # rated episodes before the round this run played last
        while True:
            state = folder_state(root, t)
            if state.observed.episodes == rated_before:
                reason = StopReason.NO_RESULTS
                break
            used = max(state.observed.episodes, record.scheduled)
            reason = _stop(t, state, used)
            if reason is not None:
                break
            number = len(record.rounds) + 1
            choice = next_round(state.observed, state.ratings, target_ci=s.target_ci,
                                batch_episodes=min(s.batch_episodes, s.max_episodes - used),
                                min_per_pairing=s.min_per_pairing,
                                rng=np.random.default_rng(derive_seed(t.seed, "adaptive round", number)),
                                remaining_episodes=s.max_episodes - used, closed=sequential.closed(state.tests))
            if choice.episodes == 0:
                reason = StopReason.DECIDED if state.tests and len(sequential.closed(state.tests)) == _pairings(t) \
                    else StopReason.NOTHING_HELPS
                break
            extra = {"sprt": sequential.as_record(state.tests)} if s.sprt is not None else {}
            specs = record.add_round(t, RoundRecord(number, state.observed.episodes, choice), done, extra)
            record.write(root)
            bar.say(_round_line(number, choice, widest(state.ratings), s.target_ci))
            bar.note(_width_note(number, widest(state.ratings), s.target_ci))
            rated_before = state.observed.episodes
            _play(player, specs, t, cpus, bar)
    seconds = time.perf_counter() - start
    words = None
    if reason is not None and state is not None and not stop.happened:
        words = _stop_words(reason, t, state)
        record.stop = {"reason": reason.value, "words": words, "rounds": len(record.rounds),
                       "rated_episodes": state.observed.episodes, "widest_half_width": widest(state.ratings)}
        record.write(root)
    finished = player.finished
    manifest.save("interrupted" if stop.happened else "finished", scheduled=record.scheduled,
                  skipped=skipped, played=finished.episodes, errors=finished.errors, seconds=round(seconds, 3),
                  stop=None if reason is None else reason.value, rounds=len(record.rounds))
    return RunSummary(root, record.scheduled, skipped, finished.episodes, finished.errors,
                      seconds, stop.happened, words)


def _play(player: ShardPlayer, specs: list, t: Tournament, cpus: int, bar: EpisodeProgress) -> None:
    """One round's episodes, their rows written before the next choice reads the folder."""
    bar.set_total(bar.total + len(specs))
    player.play(specs, _shard_size(t, len(specs), cpus), bar)
    player.buffer.flush()


def _stop(t: Tournament, state: FolderState, used: int) -> StopReason | None:
    s = t.schedule
    # The cap counts episodes played, rated or not (an errored episode was still played and maybe paid for).
    reason = stop_reason(state.observed, state.ratings, target_ci=s.target_ci,
                         max_episodes=s.max_episodes - (used - state.observed.episodes),
                         separate_adjacent=s.separate_adjacent)
    if reason is None and s.budget_usd is not None and state.spent_usd >= s.budget_usd:
        return StopReason.BUDGET
    return reason


def _pairings(t: Tournament) -> int:
    n = len(t.players)
    return n * (n - 1) // 2


def _stop_words(reason: StopReason, t: Tournament, state: FolderState) -> str:
    s = t.schedule
    text = STOP_WORDS[reason].format(target=s.target_ci, cap=s.max_episodes, budget=s.budget_usd or 0.0)
    w = widest(state.ratings)
    return text + (f" (widest ±{w:.0f} Elo)" if w is not None and reason != StopReason.TARGET else "")


def _width_note(number: int, widest_now: float | None, target: float) -> str:
    return f"round {number}  widest ±{'?' if widest_now is None else f'{widest_now:.0f}'} / target ±{target:g} Elo"


def _round_line(number: int, choice, widest_now: float | None, target: float) -> str:
    width = "no ratings yet" if widest_now is None else f"widest ±{widest_now:.0f} Elo, target ±{target:g}"
    fill = sum(a.episodes for a in choice.allocations if a.reason.startswith("fill"))
    pairings, games = len({a.players for a in choice.allocations}), len({a.game for a in choice.allocations})
    where = f"{pairings} pairing{'s' * (pairings != 1)}" + (f" in {games} games" if games > 1 else "")
    parts = f"{choice.episodes} episodes" + (f" ({fill} to fill)" if fill else "")
    return f"schedule: round {number}: {parts} to {where}; {width}"
