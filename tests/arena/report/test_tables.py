"""Leaderboard and pairwise tables as pandas users get them, and the 80-column terminal table."""

from __future__ import annotations

import numpy as np
import pandas as pd
from rich.console import Console

from arena.ratings.synthetic import synthetic_results
from arena.report import leaderboard, pairwise, pairwise_matrix, print_leaderboard, standings
from arena.report.build import readable
from arena.results import load
from arena.results.reader import Results

TWENTY = {**{f"litellm_openai/gpt-model-{i:02d}": 35.0 * i for i in range(19)}, "random": 0.0}


def test_twenty_players_fit_in_80_columns():
    r = synthetic_results(TWENTY, 4000, seed=4, draw_rate=0.1, forfeit_rate=0.01, illegal_per_decision=0.02,
                          llm_players=tuple(TWENTY)[:19])
    console = Console(width=80, record=True, force_terminal=False)
    print_leaderboard(standings(r, rounds=100), "Leaderboard: twenty", console=console)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text  # nothing cut off: long names fold onto a second line instead
    header = next(line for line in text.splitlines() if "rating" in line)
    assert all(h in header for h in ["player", "95% CI", "W-D-L", "ill/100", "ff/100", "cost $"])
    assert all(f"-model-{i:02d}" in text for i in range(19)) and "random" in text


def test_leaderboard_for_notebooks_counts_rates_and_ranks():
    r = synthetic_results({"random": 0.0, "good": 300.0}, 400, seed=5, games=("g1", "g2"), forfeit_rate=0.05,
                          illegal_per_decision=0.05, llm_players=("good",), moves=True)
    board = leaderboard(r, rounds=50).set_index("player")
    assert list(board.index) == ["good", "random"] and board["rank"].tolist() == [1, 2]
    assert (board.games == board.wins + board.draws + board.losses).all() and board.games.sum() == 2 * 400
    good = board.loc["good"]
    assert good.rating > 1100 and good.ci_low < good.rating < good.ci_high
    assert good.rating_no_forfeits != good.rating  # forfeits happened, and the variant leaves them out
    assert good.illegal_per_100 == 100 * good.illegal_attempts / good.decisions
    assert good.tokens_in > 0 and good.cost_usd > 0 and good.latency_p95_s > good.latency_mean_s > 0
    one = leaderboard(r, game="g1", rounds=50)
    assert one.games.sum() == 400 and set(one.scope) == {"all"}


def test_a_player_that_never_finished_a_game_is_listed_unranked_with_its_errors():
    r = synthetic_results({"random": 0.0, "good": 300.0}, 100, seed=6)
    broken = r.seats.iloc[:4].assign(episode_id=["x1", "x1", "x2", "x2"], play_id=["x1", "x1", "x2", "x2"],
                                     player=["random", "broken", "broken", "random"], status="error", outcome="")
    episodes = pd.concat([r.episodes, r.episodes.iloc[:2].assign(episode_id=["x1", "x2"], status="error")])
    s = standings(Results(episodes, pd.concat([r.seats, broken], ignore_index=True), r.moves), rounds=20)
    board = s.board().set_index("player")
    assert board.index[-1] == "broken" and pd.isna(board.loc["broken", "rank"])
    assert board.loc["broken", "games"] == 0 and board.loc["broken", "errors"] == 2
    assert np.isnan(board.loc["broken", "rating"])
    assert s.not_rated["all"] == {"error": 2, "skipped": 0}


def test_pairwise_counts_both_directions_and_the_matrix_has_holes_where_players_never_met():
    seats = synthetic_results({"a": 0.0, "b": 100.0, "c": 200.0}, 300, seed=7).seats
    seats = seats[~seats.episode_id.isin(seats[seats.player == "c"].episode_id) | ~seats.episode_id.isin(
        seats[seats.player == "a"].episode_id)]  # a and c never meet
    table = pairwise(seats)
    ab = table[(table.scope == "all") & (table.player == "a") & (table.opponent == "b")].iloc[0]
    ba = table[(table.scope == "all") & (table.player == "b") & (table.opponent == "a")].iloc[0]
    assert (ab.wins, ab.losses, ab.games) == (ba.losses, ba.wins, ba.games)
    matrix = pairwise_matrix(table, order=["c", "b", "a"])
    assert list(matrix.index) == ["c", "b", "a"] and np.isnan(matrix.loc["a", "c"]) and np.isnan(matrix.loc["a", "a"])
    assert matrix.loc["a", "b"] + matrix.loc["b", "a"] == 1.0


def test_what_arena_run_prints_from_a_folder_loaded_without_moves(results_dir):
    results = load(results_dir, moves=False)
    console = Console(width=80, record=True)
    print_leaderboard(standings(results), "Leaderboard: report_demo", console=console)
    text = console.export_text()
    assert "Leaderboard: report_demo" in text and "mcts_8" in text and "random = 1000" in text


def with_extra_games(r: Results, player: str, opponent: str, results: list[float]) -> Results:
    """`r` plus one episode per entry of `results` (the return of `player`, seat 0, against `opponent`)."""
    ids = [f"extra-{player}-{i}" for i in range(len(results))]
    rows = r.seats.iloc[: 2 * len(results)].copy()
    rows["episode_id"] = rows["play_id"] = np.repeat(ids, 2)
    rows["player"] = [player, opponent] * len(results)
    ret = np.ravel([[x, -x] for x in results])
    rows["return"] = ret
    rows["outcome"] = np.where(ret > 0, "win", np.where(ret < 0, "loss", "draw"))
    rows["status"], rows["forfeit"] = "ok", False
    episodes = r.episodes.iloc[: len(results)].assign(episode_id=ids, play_id=ids, status="ok")
    return Results(pd.concat([r.episodes, episodes], ignore_index=True), pd.concat([r.seats, rows], ignore_index=True),
                   r.moves)


def test_ratings_that_rest_on_a_perfect_or_near_empty_record_are_flagged():
    r = synthetic_results({"random": 0.0, "good": 300.0}, 200, seed=8)
    r = with_extra_games(r, "star", "random", [1.0, 1.0])  # the 2-0-0
    r = with_extra_games(r, "newcomer", "good", [1.0, -1.0, 0.0])
    s = standings(r, rounds=100)
    notes = s.board().set_index("player")["record_note"]
    assert notes.to_dict() == {"star": "perfect, few games", "newcomer": "few games", "good": None, "random": None}
    star = s.board().set_index("player").loc["star"]
    assert star.ci_low < star.rating < star.ci_high and star.ci_high - star.rating > 400

    console = Console(width=80, record=True)
    print_leaderboard(s, "Leaderboard: flags", console=console)
    text = console.export_text()
    star_line = next(line for line in text.splitlines() if "star" in line)
    newcomer_line = next(line for line in text.splitlines() if "newcomer" in line)
    assert "*†" in star_line and "†" in newcomer_line and "*" not in newcomer_line
    assert "* all wins or all losses" in text and "† fewer than 10 games" in text
    html_rows = readable(s.board()).set_index("player")  # the report page's table
    assert html_rows.loc["star", "rating"].endswith("*†") and html_rows.loc["star", "record"] == "perfect, few games"


def test_no_flag_and_no_footnote_when_every_record_is_ordinary():
    r = synthetic_results({"random": 0.0, "good": 100.0, "better": 200.0}, 300, seed=9)
    s = standings(r, rounds=50)
    assert s.leaderboard["record_note"].isna().all()
    console = Console(width=80, record=True)
    print_leaderboard(s, "Leaderboard: plain", console=console)
    assert "all wins or all losses" not in console.export_text() and "†" not in console.export_text()
