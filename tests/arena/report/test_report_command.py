"""`arena report` end to end on a real (in-process) results folder, and its one-line errors on bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd

from arena.cli import EXIT_CONFIG, main
from arena.report import LEADERBOARD_COLUMNS

ARENA_SCRIPT = Path(sys.executable).with_name("arena")
ARENA = [str(ARENA_SCRIPT)] if ARENA_SCRIPT.exists() else [sys.executable, "-m", "arena.cli"]
PLAYERS = {"random", "mcts_8", "simulated_cheap"}
PNG = b"\x89PNG\r\n\x1a\n"


def test_report_writes_tables_figures_and_one_self_contained_page(results_dir, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["report", str(results_dir), "--out", str(out), "--rounds", "200", "--seat-advantage"]) == 0
    printed = capsys.readouterr().out
    assert "Leaderboard: report_demo" in printed and all(p in printed for p in PLAYERS)
    assert "First-seat advantage" in printed and f"open {out / 'report.html'}" in printed

    figures = ["ratings.png", "pairwise.png", "rule_breaking.png", "cost_vs_rating.png", "ratings-kuhn_poker.png",
               "pairwise-kuhn_poker.png", "ratings-tic_tac_toe.png", "pairwise-tic_tac_toe.png"]
    for name in figures:
        assert (out / name).read_bytes().startswith(PNG), name

    board = pd.read_csv(out / "leaderboard.csv")
    assert list(board.columns) == LEADERBOARD_COLUMNS
    assert set(board.scope) == {"all", "kuhn_poker", "tic_tac_toe"}
    pooled = board[board.scope == "all"].set_index("player")
    assert set(pooled.index) == PLAYERS and pooled.loc["random", "rating"] == 1000.0
    assert (pooled.games == pooled.wins + pooled.draws + pooled.losses).all()
    notes = board.record_note.astype("string").fillna("")  # null where the record is ordinary
    assert set(notes) <= {"", "perfect", "few games", "perfect, few games"}
    assert (notes.str.contains("perfect") == ((board.wins == board.games) | (board.losses == board.games))).all()
    cheap = pooled.loc["simulated_cheap"]
    assert cheap.illegal_per_100 > 0 and cheap.cost_usd > 0 and cheap.latency_p95_s > 0
    assert pooled.loc["mcts_8", "cost_usd"] == 0 and pd.isna(pooled.loc["mcts_8", "latency_mean_s"])

    data = json.loads((out / "leaderboard.json").read_text())
    assert data["rounds"] == 200 and data["anchor"]["all"] == "random"
    assert data["record_notes"]["few_games_threshold"] == 10 and "profile likelihood" in data["method"]
    assert len(data["leaderboard"]) == len(board) and {"scope", "elo"} <= set(data["seat_advantage"][0])
    pairs = pd.DataFrame(json.loads((out / "pairwise.json").read_text()))
    assert len(pairs) == len(pd.read_csv(out / "pairwise.csv")) > 0
    one = pairs[(pairs.scope == "all") & (pairs.player == "mcts_8") & (pairs.opponent == "random")].iloc[0]
    back = pairs[(pairs.scope == "all") & (pairs.player == "random") & (pairs.opponent == "mcts_8")].iloc[0]
    assert one.games == back.games == 2 * 12 and one.wins == back.losses and one.win_rate + back.win_rate == 1.0

    page = (out / "report.html").read_text()
    assert page.count('src="data:image/png;base64,') == 5  # pairwise heatmaps are HTML tables on the page
    assert not re.search(r'src="(?!data:)', page) and "<script" not in page  # nothing to fetch
    assert all(h.startswith(("#", "replays/")) for h in re.findall(r'href="([^"]*)"', page))  # links stay inside
    assert all(p in page for p in PLAYERS) and "<h2>kuhn_poker</h2>" in page and "<th>record</th>" in page
    flagged = board[board.record_note.notna()]
    for row in flagged.itertuples():  # marked as in the terminal, with the footnote
        assert "perfect record" in page if "perfect" in row.record_note else "† fewer than 10 games" in page


def test_one_game_only(results_dir, tmp_path, capsys):
    out = tmp_path / "kuhn"
    assert main(["report", str(results_dir), "--game", "kuhn_poker", "--out", str(out), "--rounds", "50"]) == 0
    assert "Leaderboard: report_demo (kuhn_poker)" in capsys.readouterr().out
    assert set(pd.read_csv(out / "leaderboard.csv").scope) == {"all", "kuhn_poker"}
    assert not (out / "ratings-kuhn_poker.png").exists()  # the one game is the whole report


def test_default_output_folder_is_inside_the_results(results_dir, capsys):
    assert main(["report", str(results_dir), "--rounds", "20"]) == 0
    assert (results_dir / "report" / "report.html").exists()
    assert main(["report", str(results_dir), "--rounds", "20"]) == 0  # a report folder there is no results part


def one_error(argv: list[str], capsys) -> str:
    assert main(argv) == EXIT_CONFIG
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err
    return err[0]


def test_bad_input_gives_one_line_and_exit_2(results_dir, tmp_path, capsys):
    assert "no results folder" in one_error(["report", str(tmp_path / "missing")], capsys)
    (tmp_path / "empty").mkdir()
    assert "no episodes" in one_error(["report", str(tmp_path / "empty")], capsys)
    line = one_error(["report", str(results_dir), "--game", "chess"], capsys)
    assert "--game: 'chess' is not in these results; games: kuhn_poker, tic_tac_toe" in line
    assert "--reference: 'nobody'" in one_error(["report", str(results_dir), "--reference", "nobody"], capsys)


def test_only_errored_episodes_is_an_error_not_an_empty_report(results_dir, tmp_path, capsys):
    broken = tmp_path / "broken"
    for table in ("episodes", "seats", "moves"):
        (broken / table).mkdir(parents=True)
        df = pd.read_parquet(results_dir / table)
        if table != "moves":
            df = df.assign(status="error", **({"outcome": None} if table == "seats" else {}))
        df.to_parquet(broken / table / "part-0.parquet")
    assert "no finished episodes to rate (72 error)" in one_error(["report", str(broken)], capsys)


def test_the_console_script(tmp_path):
    done = subprocess.run([*ARENA, "report", str(tmp_path / "nothing")], capture_output=True, text=True, timeout=60)
    assert done.returncode == EXIT_CONFIG
    assert done.stderr.strip() == f"error: {tmp_path / 'nothing'}: no results folder there"
