"""The page's move-quality section: the figures of the summary with their intervals, escaped; the games without an
evaluator in one line; and, for a folder without a quality table, how to compute one instead of any figure."""

from __future__ import annotations

import io
import json
import shutil

import pandas as pd
from rich.console import Console

from arena.quality.base import SUMMARY_COLUMNS
from arena.quality.evaluate import evaluate_plays
from arena.quality.pending import pending_plays
from arena.quality.settings import QualitySettings
from arena.quality.store import write_part
from arena.quality.summary import summarise_folder
from arena.report.command import report_command
from arena.report.formats import interval
from arena.report.html import Section, page
from arena.report.quality_section import quality_section
from arena.report.quality_view import QualityView, label, recorded_settings
from arena.report.terminal import print_quality

HOSTILE = '<script>alert("x")</script>'


def summary(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def shown(section: Section) -> str:
    return page("t", [], [section])


def solver_rows(player: str, optimal: float, low: float, high: float, note: str | None = None) -> list[tuple]:
    return [("tic_tac_toe", player, "solver", "optimal_pct", optimal, low, high, 412, 100, note),
            ("tic_tac_toe", player, "solver", "blunders_per_100", 3.125, 1.5, 5.25, 412, 100, note),
            ("tic_tac_toe", player, "solver", "mean_value_lost", 0.0421, None, None, 412, 100, note)]


def test_a_folder_without_a_quality_table_says_how_to_compute_one_and_shows_no_figures():
    text = shown(quality_section(QualityView(None), ["random"]))
    assert "<code>arena quality RESULTS</code>" in text and "<code>quality: true</code>" in text
    assert "<table" not in text.split("<section", 1)[1]


def test_each_value_is_shown_with_its_interval_in_the_page_order_and_names_are_escaped():
    view = QualityView(summary([*solver_rows("mcts_8", 91.2345, 88.01, 94.49),
                                *solver_rows(HOSTILE, 40.5, 35.25, 45.75)]),
                       {("tic_tac_toe", "solver"): json.dumps({"max_states": 1000000})})
    text = shown(quality_section(view, [HOSTILE, "mcts_8"]))
    section = text.split('<section id="quality">', 1)[1]
    assert "91.2" in section and "88.0–94.5" in section  # optimal %: one decimal, interval under it
    assert "3.12" in section and "1.50–5.25" in section  # blunders per 100 decisions: two decimals
    assert "0.042" in section  # no interval: none shown
    assert "412" in section and "100 episodes" in section
    assert "max_states=1000000" in section and "solver" in section
    assert HOSTILE not in text and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in section
    assert section.index("40.5") < section.index("91.2"), "rows are not in the page's player order"
    for metric in ("optimal_pct", "blunders_per_100", "mean_value_lost"):
        assert f">{label(metric)}<" in section


def test_notes_are_shown_once_and_after_the_players_they_concern():
    view = QualityView(summary([*solver_rows("random", 50, 45, 55, note="3 moves chosen by the arena not credited"),
                                *solver_rows("mcts_8", 90, 85, 95)]))
    section = shown(quality_section(view, ["random", "mcts_8"]))
    assert section.count("random: 3 moves chosen by the arena not credited") == 1


def test_games_without_an_evaluator_are_listed_in_one_line():
    view = QualityView(summary([*solver_rows("random", 50, 45, 55),
                                ("hex", None, None, "none", None, None, None, 0, 0, "no move-quality evaluator for hex"),
                                ("go", None, None, "none", None, None, None, 0, 0, None)]))
    section = shown(quality_section(view, ["random", "mcts_8"]))
    assert "No move-quality figures for: go, hex (no move-quality evaluator for hex)." in section
    assert section.count("<table") == 1


def test_metrics_of_other_evaluators_get_readable_headers():
    assert [label(m) for m in ("acpl", "accuracy_pct", "inaccuracies_per_100", "p_C", "nash_conv")] == [
        "ACPL", "accuracy %", "inaccuracies/100", "P(C)", "nash conv"]
    assert label("p_cd", "ipd") == "P(C | CD)"  # the prisoner's dilemma's: cooperation after a round of (C, D)


def test_the_report_of_a_folder_without_a_quality_table_says_how_to_make_one(results_dir, tmp_path, capsys):
    assert report_command(str(results_dir), out=str(tmp_path), rounds=0, replays=0) == 0
    section = (tmp_path / "report.html").read_text().split('<section id="quality">', 1)[1].split("</section>")[0]
    assert "<code>arena quality RESULTS</code>" in section and "<table" not in section
    assert "Move quality: not computed; run 'arena quality RESULTS'" in capsys.readouterr().out


def test_the_report_shows_the_quality_table_of_its_folder(results_dir, tmp_path, capsys):
    """Evaluated without Ray (what each Ray task of `arena quality` runs), then reported: page and terminal agree
    with the summary of the folder."""
    root = tmp_path / "results"
    shutil.copytree(results_dir, root)
    settings = QualitySettings(rounds=20)
    pending = pending_plays(root, settings)
    batch = evaluate_plays(root, pending.plays, pending.kinds, settings)
    assert not batch.failures, batch.failures[:3]
    write_part(root, batch.table)
    expected = summarise_folder(root, settings)
    solver = expected[(expected["game_key"] == "tic_tac_toe") & (expected["metric"] == "optimal_pct")]
    assert len(solver) == 3

    assert report_command(str(root), out=str(tmp_path / "report"), rounds=20, replays=0) == 0
    section = (tmp_path / "report" / "report.html").read_text().split('<section id="quality">', 1)[1]
    section = section.split("</section>")[0]
    assert '<table id="quality-tic_tac_toe-solver">' in section
    for r in solver.itertuples():
        assert f"{r.value:.1f}" in section and interval(r.ci_low, r.ci_high, 1) in section
    assert "max_states=" in section
    printed = capsys.readouterr().out
    assert "Move quality: tic_tac_toe (solver)" in printed


def test_the_page_summarises_under_the_settings_the_table_was_computed_with():
    def chess(depth, nodes):
        return json.dumps({"engine": "Stockfish 15.1", "depth": depth, "nodes": nodes, "cp_cap": 1000})

    solver = json.dumps({"max_states": 5000})
    s = recorded_settings([chess(None, 20000), solver], rounds=7, seed=3, level=0.9)
    assert (s.depth, s.nodes, s.max_states, s.engine) == (None, 20000, 5000, "stockfish")
    assert (s.rounds, s.seed, s.level) == (7, 3, 0.9)
    twice = recorded_settings([chess(8, None), chess(12, None)], rounds=7, seed=3, level=0.9)
    assert twice.depth == 12  # evaluated twice, differently: the default, as `arena quality` would use


def test_the_terminal_block_fits_80_columns_and_prints_names_as_they_are():
    metrics = ["cooperation", "first_move_cooperation", "retaliation", "forgiveness", "p_cc", "p_cd", "p_dc", "p_dd"]
    view = QualityView(summary([("prisoners_dilemma", name, "ipd", m, 0.5, 0.25, 0.75, 40, 5, None)
                                for name in ("[bold]tit_for_tat", "random") for m in metrics]))
    console = Console(record=True, width=80, file=io.StringIO())
    print_quality(view, ["random"], console=console)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert text.count("[bold]tit_for_tat") == 2  # once in each of the two tables the metrics are split over
    assert all(label(m, "ipd") in text for m in metrics if m != "first_move_cooperation")  # that one may wrap
