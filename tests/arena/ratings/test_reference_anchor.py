"""Ratings anchored to a reference player of known strength: in the fit, the Elo column, `arena run` and `arena report`."""

from __future__ import annotations

import asyncio
import json

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from arena.cli import EXIT_CONFIG, main
from arena.config.errors import ConfigError
from arena.config.load import load_tournament
from arena.ratings import POOLED, comparisons, rate
from arena.ratings.elo import elo
from arena.ratings.synthetic import synthetic_results
from arena.report.tables import standings
from arena.report.terminal import notes, print_leaderboard
from arena.results.location import ResultsDir
from arena.results.manifest import Manifest
from arena.results.reader import Results
from arena.results.writer import write_parts
from arena.schedule import episodes
from arena.shard import play_shard
from cluster.run import run_command

STRENGTHS = {"random": 0.0, "sf": 300.0, "weak": 150.0, "strong": 500.0}


def scope(table: pd.DataFrame, name: str = POOLED) -> pd.DataFrame:
    return table[table.scope == name].set_index("player")


def test_a_reference_pinned_at_1500_moves_every_rating_and_interval_by_exactly_500():
    seats = synthetic_results(STRENGTHS, 600, seed=4, games=("g1", "g2"), draw_rate=0.1).seats
    plain = rate(seats, rounds=100, seed=9, reference="sf")
    pinned = rate(seats, rounds=100, seed=9, reference="sf", anchor_rating=1500)
    assert pinned.anchor == plain.anchor == {"g1": "sf", "g2": "sf", POOLED: "sf"}
    for name in ["g1", "g2", POOLED]:
        a, b = scope(plain.table, name), scope(pinned.table, name)
        assert b.loc["sf", "rating"] == b.loc["sf", "ci_low"] == b.loc["sf", "ci_high"] == 1500.0
        for column in ["rating", "ci_low", "ci_high"]:
            np.testing.assert_allclose(b[column] - a[column], 500.0, rtol=0, atol=1e-9)

    with pytest.raises(ValueError, match="needs a reference"):
        rate(seats, rounds=0, reference=None, anchor_rating=1500)

    comps = comparisons(seats)
    shifted = scope(elo(comps, reference="sf", anchor_rating=1500))["elo"] - scope(elo(comps, reference="sf"))["elo"]
    np.testing.assert_allclose(shifted, 500.0, rtol=0, atol=1e-9)


def test_a_scope_without_the_reference_is_anchored_at_its_mean_and_says_so():
    with_ref = synthetic_results({"sf": 0.0, "a": 100.0, "b": 200.0}, 300, seed=1, games=("g1",))
    without = synthetic_results({"a": 100.0, "b": 200.0, "c": 0.0}, 300, seed=2, games=("g2",))
    results = Results(*(pd.concat([getattr(with_ref, t), getattr(without, t)], ignore_index=True)
                        for t in ("episodes", "seats", "moves")))
    s = standings(results, rounds=50, reference="sf", anchor_rating=1500)
    assert s.anchor == {"g1": "sf", "g2": "mean", POOLED: "sf"}
    assert scope(s.leaderboard, "g1").loc["sf", "rating"] == 1500.0
    assert scope(s.leaderboard, "g2")["rating"].mean() == pytest.approx(1000.0)
    assert scope(s.leaderboard, "g2")["elo"].mean() == pytest.approx(1000.0)
    assert "(sf = 1500" in notes(s, "g1")[0] and "(sf = 1500" in notes(s, POOLED)[0]
    assert "mean player = 1000" in notes(s, "g2")[0] and "sf did not play" in notes(s, "g2")[0]


TOURNAMENT = """\
name: pinned
output_dir: {out}
games: [{{name: tic_tac_toe}}]
players: [{{type: random}}, {{type: mcts, simulations: 8}}]
episodes_per_pairing: 4
reference: {{player: mcts_8, rating: 1500}}
"""


@pytest.fixture
def played(tmp_path):
    """A finished tournament whose config pins mcts_8 at 1500, played in-process, with its manifest."""
    config = tmp_path / "pinned.yaml"
    config.write_text(TOURNAMENT.format(out=tmp_path / "results"))
    t = load_tournament(str(config))
    root = ResultsDir(t.output_dir).child(t.name)
    manifest = Manifest(root, t)  # before the parts: it refuses a folder of parts without one
    write_parts(root, asyncio.run(play_shard(t, episodes(t))))
    manifest.save("finished")
    return config, tmp_path / "results" / t.name


def test_the_run_leaderboard_pins_the_configs_reference(played, capsys):
    config, _ = played
    assert run_command(str(config), [], None) == 0  # nothing left to play: the leaderboard from the folder
    printed = capsys.readouterr().out
    assert "Leaderboard: pinned" in printed and "(mcts_8 = 1500)" in printed
    assert "1500" in next(line for line in printed.splitlines() if "mcts_8" in line and "=" not in line)


def pooled_ratings(folder) -> pd.Series:
    return scope(pd.read_csv(folder / "leaderboard.csv"))["rating"]


def test_arena_report_pins_the_configs_reference_unless_told_otherwise(played, tmp_path, capsys):
    _, root = played
    out = tmp_path / "report"
    assert main(["report", str(root), "--rounds", "20", "--replays", "0", "--out", str(out)]) == 0
    assert "(mcts_8 = 1500)" in capsys.readouterr().out
    base = pooled_ratings(out)
    assert base["mcts_8"] == 1500.0
    data = json.loads((out / "leaderboard.json").read_text())
    assert data["anchor"][POOLED] == "mcts_8" and data["anchor_rating"][POOLED] == 1500.0

    for reference, pinned, rating in [("random=800", "random", 800.0), ("random", "random", 1000.0),
                                      ("mcts_8", "mcts_8", 1500.0), ("mcts_8=1200", "mcts_8", 1200.0)]:
        assert main(["report", str(root), "--rounds", "20", "--replays", "0", "--out", str(out),
                     "--reference", reference]) == 0
        ratings = pooled_ratings(out)
        assert ratings[pinned] == rating, reference
        np.testing.assert_allclose(ratings - ratings[pinned], base - base[pinned], atol=1e-9)

    capsys.readouterr()
    assert main(["report", str(root), "--rounds", "20", "--out", str(out), "--reference", "mcts_8=strong"]) == EXIT_CONFIG
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "--reference" in error and "mcts_8=strong" in error


def test_the_leaderboard_notes_name_the_pinned_rating(played):
    _, root = played
    from arena.results import load

    s = standings(load(root, moves=False), rounds=0, reference="random", anchor_rating=700)
    console = Console(width=100, record=True)
    print_leaderboard(s, "x", console=console)
    assert "(random = 700)" in console.export_text()


def test_a_reference_that_is_not_a_player_is_a_one_line_config_error(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text(TOURNAMENT.format(out=tmp_path).replace("player: mcts_8", "player: sf_1500"))
    with pytest.raises(ConfigError) as e:
        load_tournament(str(config))
    message = str(e.value)
    assert "\n" not in message and "sf_1500" in message and "random" in message and "mcts_8" in message
