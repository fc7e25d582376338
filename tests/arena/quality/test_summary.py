"""The per-player summary of a folder: its evaluators' rows, one "none" row per game nothing measures, text
and JSON."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

from arena.quality.base import SUMMARY_COLUMNS
from arena.quality.evaluate import evaluate_plays
from arena.quality.pending import pending_plays
from arena.quality.settings import QualitySettings
from arena.quality.store import write_part
from arena.quality.summary import as_json, render, summarise_folder

sys.path.insert(0, str(Path(__file__).parent))
from played_folder import played_folder

SETTINGS = QualitySettings(rounds=200)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = played_folder(tmp_path_factory.mktemp("summary"), ["tic_tac_toe", "connect_four"], episodes_per_pairing=4)
    pending = pending_plays(root, SETTINGS)
    assert pending.kinds == {"tic_tac_toe": "solver"}  # connect four: far too large to solve
    write_part(root, evaluate_plays(root, pending.plays, pending.kinds, SETTINGS).table)
    return root


def test_a_game_without_an_evaluator_gets_one_row_saying_so_and_nothing_else(folder):
    summary = summarise_folder(folder, SETTINGS)
    assert list(summary.columns) == SUMMARY_COLUMNS
    none = summary[summary["game_key"] == "connect_four"]
    assert len(none) == 1 and none.iloc[0]["metric"] == "none" and math.isnan(none.iloc[0]["value"])
    assert none.iloc[0]["note"] == "no move-quality evaluator for connect_four"
    solved = summary[summary["game_key"] == "tic_tac_toe"]
    assert set(solved["player"]) == {"random", "mcts_10"} and set(solved["evaluator"]) == {"solver"}
    assert (solved["decisions"] > 0).all()


def test_another_setting_reports_nothing_rather_than_the_old_rows(folder):
    summary = summarise_folder(folder, QualitySettings(max_states=123_456))
    solved = summary[summary["game_key"] == "tic_tac_toe"]
    assert list(solved["metric"]) == ["none"] and "under these settings" in solved.iloc[0]["note"]


def test_text_has_a_table_per_game_and_json_is_one_document_with_nulls(folder):
    summary = summarise_folder(folder, SETTINGS)
    text = render(summary)
    assert "Move quality: tic_tac_toe (solver)" in text and "no move-quality evaluator for connect_four" in text
    assert "95% CI" in text
    document = json.loads(as_json(summary, results="r", settings=SETTINGS.model_dump()))
    assert set(document) == {"results", "settings", "summary"} and document["settings"]["rounds"] == 200
    assert all(set(r) == set(SUMMARY_COLUMNS) for r in document["summary"])
    none = next(r for r in document["summary"] if r["game_key"] == "connect_four")
    assert none["value"] is None and none["ci_low"] is None and none["metric"] == "none"
