"""Adaptive schedule against rounds of full round robins, both run to the same precision target.

A synthetic field of 8 players with known Elo, spread like a real one (a `random`
reference far below, three models within 45 points of each other, two within 25,
and two far ahead), plays simulated episodes (`arena.adaptive.simulate`: Bradley-Terry
truth, draws commoner between close players; no games, no models, no Ray). Each
trial runs both schedules until every rating's 95% half-width is at most TARGET_CI
Elo points, with the project's intervals (`rate_types`: profile likelihood widened to
the episode bootstrap) refitted after every round. The bootstrap has BOOTSTRAP_ROUNDS
rounds instead of 1,000, for speed; with hundreds of games per pairing the profile
interval is the wider one almost always, so this changes little.

- adaptive: `arena.adaptive` with min_per_pairing 4 and batches of 200 episodes;
- fixed: every round each of the 28 pairings plays two seat-swapped pairs (112
  episodes), a finer step than the adaptive batch, which favours fixed: it stops
  nearer the point where the target is first met.
Both stop on the half-width target only (not on "adjacent separated"), with no cap
below 20,000 episodes.

Reported per schedule: mean and median episodes needed, and coverage: the share of
the true differences to the reference (every player's rating minus `random`'s, the
differences the intervals are of) that lie in the reported 95% intervals; also the
mean error of each estimated difference, over trials, in Monte-Carlo standard errors
(adaptive sampling must not bias it). Trials run in parallel, one process per core.
On 2 cores: about 2 minutes.

    python bench/adaptive.py [--trials 50]
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from _common import emit

TRUTH = {"random": 0.0, "small_a": 350.0, "small_b": 375.0, "small_c": 395.0, "mid_a": 600.0, "mid_b": 625.0,
         "large": 850.0, "frontier": 1100.0}
REFERENCE = "random"
TARGET_CI = 50.0
BATCH = 200
MIN_PER_PAIRING = 4
FIXED_PAIRS = 2
DRAW_SHARE = 0.3
BOOTSTRAP_ROUNDS = 100
MAX_EPISODES = 20_000


def trial(args: tuple[str, int]) -> dict:
    """One schedule, one seed: episodes needed, stop reason, estimated and true differences to the reference."""
    from arena.adaptive import AdaptiveSchedule, Observed, rate_with, run_schedule
    from arena.adaptive.run import fixed_chooser
    from arena.adaptive.simulate import play_round
    from arena.ratings import POOLED

    mode, seed = args
    players, elo = list(TRUTH), np.array(list(TRUTH.values()))
    start = Observed.empty(["g"], players)
    schedule = AdaptiveSchedule(target_ci=TARGET_CI, batch_episodes=BATCH, min_per_pairing=MIN_PER_PAIRING,
                                max_episodes=MAX_EPISODES, separate_adjacent=False)
    outcomes = np.random.default_rng([seed, 1])  # the same episodes' luck stream for both schedules
    run = run_schedule(lambda choice: play_round(choice, start, elo, outcomes, draw_share=DRAW_SHARE), start,
                       schedule, rng=np.random.default_rng([seed, 0]),
                       rate=rate_with(rounds=BOOTSTRAP_ROUNDS, seed=seed, reference=REFERENCE),
                       choose=None if mode == "adaptive" else fixed_chooser(FIXED_PAIRS))
    assert run.ratings is not None
    table = run.ratings.table[run.ratings.table.scope == POOLED].set_index("player").loc[players[1:]]
    truth = 1000.0 + elo[1:] - TRUTH[REFERENCE]
    inside = (table["ci_low"].to_numpy() <= truth) & (truth <= table["ci_high"].to_numpy())
    return {"mode": mode, "seed": seed, "episodes": run.observed.episodes, "rounds": len(run.rounds),
            "stop": str(run.stop), "inside": inside.tolist(), "error": (table["rating"].to_numpy() - truth).tolist()}


def summary(rows: list[dict]) -> dict:
    episodes = np.array([r["episodes"] for r in rows])
    rounds = np.array([r["rounds"] for r in rows])
    inside = np.array([r["inside"] for r in rows])
    error = np.array([r["error"] for r in rows])
    z = error.mean(0) / (error.std(0, ddof=1) / np.sqrt(len(error)))
    return {"mean_episodes": round(float(episodes.mean()), 1), "median_episodes": float(np.median(episodes)),
            "mean_rounds": round(float(rounds.mean()), 1),
            "coverage": round(float(inside.mean()), 3), "held": int(inside.sum()), "checks": int(inside.size),
            "mean_error_elo": [round(float(e), 1) for e in error.mean(0)],
            "largest_bias_in_standard_errors": round(float(np.abs(z).max()), 2),
            "stops": {s: sum(r["stop"] == s for r in rows) for s in sorted({r["stop"] for r in rows})}}


def main() -> None:
    parser = argparse.ArgumentParser(description="Adaptive schedule vs rounds of round robins to the same target")
    parser.add_argument("--trials", type=int, default=50, help="seeded trials per schedule")
    args = parser.parse_args()
    started = time.perf_counter()
    jobs = [(mode, seed) for seed in range(args.trials) for mode in ("adaptive", "fixed")]
    print(f"adaptive: {args.trials} trials x 2 schedules, {len(TRUTH)} players, target half-width {TARGET_CI:g} Elo",
          flush=True)
    rows = []
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
        for done, row in enumerate(pool.map(trial, jobs), 1):
            rows.append(row)
            if done % 20 == 0:
                print(f"  {done}/{len(jobs)} runs, {time.perf_counter() - started:.0f} s", flush=True)
    adaptive = summary([r for r in rows if r["mode"] == "adaptive"])
    fixed = summary([r for r in rows if r["mode"] == "fixed"])
    saved = 1.0 - adaptive["mean_episodes"] / fixed["mean_episodes"]
    for name, s in (("adaptive", adaptive), ("fixed", fixed)):
        print(f"{name:<9} episodes mean {s['mean_episodes']:>7.0f} median {s['median_episodes']:>7.0f}  "
              f"rounds {s['mean_rounds']:>5.1f}  coverage {s['held']}/{s['checks']} = {s['coverage']:.3f}  "
              f"largest bias {s['largest_bias_in_standard_errors']:.2f} s.e.  stops {s['stops']}", flush=True)
    print(f"episodes saved: {saved:.1%} (goal >= 30%); coverage goal >= 0.90 and no worse than fixed", flush=True)
    emit({"episodes_saved_fraction": round(saved, 3), "coverage": adaptive["coverage"],
          "coverage_fixed": fixed["coverage"], "adaptive": adaptive, "fixed": fixed, "trials": args.trials,
          "players": len(TRUTH), "target_ci": TARGET_CI, "batch_episodes": BATCH, "min_per_pairing": MIN_PER_PAIRING,
          "fixed_round_episodes": FIXED_PAIRS * 2 * len(TRUTH) * (len(TRUTH) - 1) // 2,
          "bootstrap_rounds": BOOTSTRAP_ROUNDS, "seconds": round(time.perf_counter() - started, 1)})


if __name__ == "__main__":
    main()
