"""Ratings speed: Bradley-Terry with profile-likelihood intervals and 1,000 bootstrap rounds on 100,000
synthetic episodes among 20 players; with --coverage, how often the intervals hold the truth, per regime.

Times, after building the synthetic seats table (not counted):
- `rate` on one game (the target: under 10 s on 2 cores),
- `rate` with the episodes spread over 4 games (4 per-game fits plus the pooled one),
- the full `standings` of `arena report` / `arena run` on the 4-game data (ratings, the
  forfeit-free variant, Elo, rule-breaking, pairwise table), with the first-seat term.
Also checks that the fitted order is the true one. No Ray: it all runs in this process.

`--coverage [--trials N]` instead plays every regime of `arena.ratings.coverage` N times
(50 by default) and prints one line per regime, then all of them as JSON on the last line.
"""

from __future__ import annotations

import argparse
import time

from _common import emit

EPISODES = 100_000
PLAYERS = 20
ROUNDS = 1_000


def timed(label: str, fn):
    print(f"ratings: {label} ...", flush=True)
    started = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - started
    print(f"  {seconds:.2f} s", flush=True)
    return value, seconds


def coverage_table(trials: int) -> None:
    from arena.ratings.coverage import REGIMES, coverage

    rows = []
    print(f"{'regime':<24}{'held':>10}{'coverage':>10}{'narrowest':>11}  trials with a perfect record", flush=True)
    for regime in REGIMES:
        row = coverage(regime, trials, rounds=ROUNDS)
        rows.append(row)
        print(f"{row['regime']:<24}{row['hits']:>5}/{row['checks']:<4}{row['coverage']:>10.3f}"
              f"{row['min_width_elo']:>11.0f}  {row['trials_with_a_perfect_record']}/{trials}", flush=True)
    emit({"coverage": rows, "trials": trials, "rounds": ROUNDS, "level": 0.95})


def main() -> None:
    parser = argparse.ArgumentParser(description="Ratings speed on 100,000 synthetic episodes, or interval coverage "
                                                 "per regime (--coverage)")
    parser.add_argument("--coverage", action="store_true", help="interval coverage per regime instead of timings")
    parser.add_argument("--trials", type=int, default=50, help="seeded trials per regime (with --coverage)")
    args = parser.parse_args()
    if args.coverage:
        coverage_table(args.trials)
        return
    timings()


def timings() -> None:
    from arena.ratings import POOLED, rate
    from arena.ratings.synthetic import synthetic_results
    from arena.report import standings

    strengths = {"random": 0.0, **{f"model_{i:02d}": 40.0 * i for i in range(1, PLAYERS)}}
    truth = sorted(strengths, key=strengths.get)
    one, build_s = timed(f"building {EPISODES:,} synthetic episodes, one game",
                         lambda: synthetic_results(strengths, EPISODES, seed=1, draw_rate=0.1))
    four = synthetic_results(strengths, EPISODES, seed=2, draw_rate=0.1, games=("g1", "g2", "g3", "g4"),
                             forfeit_rate=0.01, illegal_per_decision=0.02, llm_players=tuple(strengths)[1:])
    ratings, one_game_s = timed(f"rate(): {ROUNDS} bootstrap rounds, one game",
                                lambda: rate(one.seats, rounds=ROUNDS))
    table = ratings.table[ratings.table.scope == POOLED]
    assert table.sort_values("rating")["player"].tolist() == truth, "fitted order is not the true order"
    _, four_games_s = timed(f"rate(): {ROUNDS} bootstrap rounds, 4 games + pooled",
                            lambda: rate(four.seats, rounds=ROUNDS))
    _, standings_s = timed("standings(): everything arena report computes, 4 games, first-seat term",
                           lambda: standings(four, rounds=ROUNDS, seat_advantage=True))
    mean_width = float((table["ci_high"] - table["ci_low"])[table.player != "random"].mean())
    emit({
        "episodes": EPISODES, "players": PLAYERS, "rounds": ROUNDS,
        "rate_one_game_s": round(one_game_s, 2), "rate_four_games_s": round(four_games_s, 2),
        "standings_four_games_s": round(standings_s, 2), "synthetic_build_s": round(build_s, 2),
        "mean_ci_width_elo": round(mean_width, 1), "order_correct": True, "target_s": 10,
    })


if __name__ == "__main__":
    main()
