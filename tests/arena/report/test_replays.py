"""Episode replays (arena.report.replays) written from real results folders played in-process: every attempt of
every decision is there in order, the episodes chosen under a limit are the troubled ones first and then spread
over games and pairings, the moves are streamed a play at a time, and no model's answer can break the script."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from arena.cli import EXIT_CONFIG, main
from arena.report.replay_select import choose, spread, troubled
from arena.report.replays import data_path, write_replays
from arena.results import load

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: no package to import from
from replay_folders import BREAKOUT, play  # noqa: E402

CALL = "window.arenaReplay("


@pytest.fixture(scope="session")
def mixed(tmp_path_factory) -> Path:
    """Chess, a simultaneous game and tic-tac-toe, with forfeits, illegal answers and two errored episodes."""
    return play(tmp_path_factory.mktemp("mixed") / "replays", ["chess", "prisoners_dilemma", "tic_tac_toe"], 4,
                fail_every=37)


@pytest.fixture(scope="session")
def many(tmp_path_factory) -> Path:
    """140 short episodes of two games: more than a page of the episode browser, some of them clean."""
    return play(tmp_path_factory.mktemp("many") / "replays", ["tic_tac_toe", "matrix_rps"], 70)


def read_replay(out: Path, episode_id: str) -> dict:
    text = (out / "replays" / data_path(episode_id)).read_text(encoding="utf-8")
    assert text.startswith(CALL) and text.endswith(");\n")
    return json.loads(text[len(CALL):-3])


def read_index(out: Path) -> tuple[dict, list[dict]]:
    lines = (out / "replays" / "episodes.js").read_text(encoding="utf-8").splitlines()
    about, records = (json.loads(line.split(" = ", 1)[1].rstrip(";")) for line in lines)
    assert lines[0].startswith("window.ARENA_REPLAYS = ") and lines[1].startswith("window.ARENA_EPISODES = ")
    return about, records


def written(root: Path, out: Path, limit: int) -> set[str]:
    r = load(root, moves=False, lean=True)  # as `arena report` loads a folder
    return write_replays(root, r.episodes, r.seats, out, limit)


def test_every_decision_and_attempt_is_replayed_in_order(mixed, tmp_path):
    results = load(mixed)
    assert written(mixed, tmp_path, 10_000) == set(results.episodes["episode_id"])
    for episode in results.episodes.itertuples():
        data = read_replay(tmp_path, episode.episode_id)
        rows = results.moves[results.moves["play_id"] == episode.play_id].sort_values(["move_number", "seat", "attempt"])
        steps = data["steps"]
        assert len(steps) == rows["move_number"].nunique() + 1
        replayed = [(s["move"], d["seat"], a) for s in steps for d in s["decisions"] for a in d["attempts"]]
        assert [(m, seat, a["attempt"]) for m, seat, a in replayed] == list(
            zip(rows["move_number"], rows["seat"], rows["attempt"], strict=True))
        for (_, _, attempt), row in zip(replayed, rows.itertuples(), strict=True):
            assert attempt["legal"] == row.legal and attempt.get("raw_response") == _value(row.raw_response)
            assert attempt.get("parser_path") == _value(row.parser_path) and attempt.get("error") == _value(row.error)
            assert attempt.get("action_label") == _value(row.action_label)
            if pd.isna(row.prompt):
                assert "prompt" not in attempt
            else:
                sent = [m["content"] for m in json.loads(row.prompt)]
                assert [data["texts"][m["text"]] for m in attempt["prompt"]] == sent
        if not rows.empty:
            assert steps[0]["state"] == rows["state"].iloc[0]
            final = rows["state_after"].dropna()
            assert steps[-1]["state"] == (final.iloc[0] if len(final) else None)
        assert steps[-1]["decisions"] == [] and data["result"]["status"] == episode.status


def test_illegal_attempts_keep_the_error_the_model_was_told(mixed, tmp_path):
    written(mixed, tmp_path, 10_000)
    results = load(mixed)
    illegal = []
    for episode_id in results.episodes["episode_id"]:
        data = read_replay(tmp_path, episode_id)
        illegal += [a for s in data["steps"] for d in s["decisions"] for a in d["attempts"] if not a["legal"]]
    assert len(illegal) == (~results.moves["legal"]).sum() > 0
    assert all(a["error"] for a in illegal)
    assert any(a.get("raw_response") == BREAKOUT for a in illegal)
    assert any(a.get("error_class") == "transient" for a in illegal)


def test_steps_carry_the_state_text_and_last_move_never_a_drawing(mixed, tmp_path):
    results = load(mixed)
    written(mixed, tmp_path, 10_000)
    chess = results.episodes[results.episodes["game"] == "chess"].iloc[0]
    rows = results.moves[results.moves["play_id"] == chess.play_id]
    data = read_replay(tmp_path, chess.episode_id)
    assert set(data["steps"][0]) == {"move", "state", "last_move", "decisions"}
    before = rows.groupby("move_number")["state"].first()
    assert [s["state"] for s in data["steps"][:-1]] == before.tolist()
    chosen = rows[rows["legal"]].groupby("move_number")["action_label"].first()
    assert [s["last_move"] for s in data["steps"]] == [None, *(chosen.get(m) for m in before.index)]
    assert data["steps"][1]["last_move"] is not None
    files = (tmp_path / "replays" / "data").rglob("*.js")
    assert not any("<svg" in f.read_text(encoding="utf-8") for f in files)


def test_simultaneous_decisions_share_a_step(mixed, tmp_path):
    results = load(mixed)
    written(mixed, tmp_path, 10_000)
    played = results.episodes[(results.episodes["game"] == "prisoners_dilemma") & (results.episodes["status"] == "ok")]
    data = read_replay(tmp_path, played["episode_id"].iloc[0])
    for step in data["steps"][:-1]:
        assert [d["seat"] for d in step["decisions"]] == [0, 1]
        assert [d["player"] for d in step["decisions"]] == data["players"]
        assert step["last_move"] is None or step is data["steps"][0]


def test_no_answer_can_end_the_script_early(mixed, tmp_path):
    written(mixed, tmp_path, 10_000)
    files = list((tmp_path / "replays" / "data").rglob("*.js"))
    texts = [f.read_text(encoding="utf-8") for f in files]
    assert not any("</script" in t.lower() for t in texts)
    assert sum(BREAKOUT.replace("</", "<\\/") in t for t in texts) > 0  # escaped, and read back as written above


def test_the_index_lists_every_replay_with_its_outcome(mixed, tmp_path):
    results = load(mixed, moves=False)
    ids = written(mixed, tmp_path, 5)
    about, records = read_index(tmp_path)
    assert about == {"episodes": len(results.episodes), "replays": 5, "limit": 5, "tournament": "replays"}
    assert {r["id"] for r in records} == ids and len(records) == 5
    seats = results.seats.set_index(["episode_id", "seat"])
    for r in records:
        assert r["outcomes"] == [_value(seats.loc[(r["id"], s), "outcome"]) for s in range(len(r["players"]))]
        assert r["illegal"] == [int(seats.loc[(r["id"], s), "illegal_attempts"]) for s in range(len(r["players"]))]
        assert (tmp_path / "replays" / data_path(r["id"])).exists()
    assert len(list((tmp_path / "replays" / "data").rglob("*.js"))) == 5
    for name in ["index.html", "episode.html", "viewer.js", "viewer.css", "boards.js", "chess_pieces.js"]:
        assert (tmp_path / "replays" / name).stat().st_size > 0


def test_under_a_limit_troubled_episodes_come_first_then_a_spread(many, tmp_path):
    results = load(many, moves=False)
    flagged = troubled(results.episodes, results.seats)
    bad, clean = set(results.episodes["episode_id"][flagged]), results.episodes[~flagged]
    assert 10 < len(bad) and len(clean) > 10
    chosen = written(many, tmp_path, len(bad) + 10)
    assert bad <= chosen and len(chosen) == len(bad) + 10
    extra = clean[clean["episode_id"].isin(chosen)]
    assert extra["game_key"].value_counts().to_dict() == {"matrix_rps": 5, "tic_tac_toe": 5}
    assert set(extra["seating"]) == {0, 1}
    fewer = choose(results.episodes, results.seats, 7)
    assert len(fewer) == 7 and set(fewer) <= bad
    shuffled = results.episodes.sample(frac=1, random_state=3)
    assert choose(shuffled, results.seats.sample(frac=1, random_state=4), 40) == choose(
        results.episodes, results.seats, 40)


def test_the_spread_gives_every_game_then_every_pairing_its_share():
    rows = [("go", ("a", "b"))] * 50 + [("go", ("c", "a"))] * 3 + [("chess", ("a", "b"))] * 30
    ids = [f"e{i:03d}" for i in range(len(rows))]
    episodes = pd.DataFrame({"episode_id": ids, "game_key": [g for g, _ in rows],
                             "repetition": [i // 2 for i in range(len(rows))], "seating": [i % 2 for i in range(len(rows))]})
    seats = pd.DataFrame([{"episode_id": e, "seat": seat, "player": name}
                          for e, (_, names) in zip(ids, rows, strict=True) for seat, name in enumerate(names)])
    order = spread(episodes, seats)
    first = episodes.set_index("episode_id").loc[order[:20]]
    assert first["game_key"].value_counts().to_dict() == {"go": 10, "chess": 10}
    players = seats.groupby("episode_id")["player"].agg(lambda names: tuple(sorted(names)))
    go_pairings = players[first.index[first["game_key"] == "go"]].value_counts().to_dict()
    assert go_pairings == {("a", "b"): 7, ("a", "c"): 3}  # a, c has only 3 episodes; a, b takes the rest
    assert sorted(order) == sorted(episodes["episode_id"])


def test_limit_zero_writes_nothing(mixed, tmp_path):
    assert written(mixed, tmp_path, 0) == set()
    assert not (tmp_path / "replays").exists()


@pytest.mark.parametrize("layout", ["split", "twice"])
def test_plays_split_over_parts_or_written_twice_still_give_whole_replays(mixed, tmp_path, layout):
    folder = tmp_path / "results"
    shutil.copytree(mixed, folder)
    moves = folder / "moves"
    (part,) = moves.glob("part-*.parquet")
    table = pq.read_table(part)
    if layout == "split":  # the second half first: a play cut in the middle is met again after it was handed out
        part.unlink()
        middle = len(table) // 2
        pq.write_table(table.slice(middle), moves / "part-a.parquet")
        pq.write_table(table.slice(0, middle), moves / "part-b.parquet")
    else:
        pq.write_table(table, moves / "part-zz.parquet")
    reference, out = tmp_path / "reference", tmp_path / "out"
    written(mixed, reference, 10_000)
    ids = written(folder, out, 10_000)
    assert len(ids) == len(load(mixed, moves=False).episodes)
    for episode_id in ids:
        assert read_replay(out, episode_id) == read_replay(reference, episode_id)


def test_arena_report_replays_option(results_dir, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["report", str(results_dir), "--out", str(out), "--rounds", "0", "--replays", "3"]) == 0
    _, records = read_index(out)
    assert len(records) == 3
    total = len(load(results_dir, moves=False).episodes)
    assert f"Replays of 3 of {total} episodes" in (out / "report.html").read_text(encoding="utf-8")
    assert main(["report", str(results_dir), "--out", str(out), "--rounds", "0", "--replays", "-1"]) == EXIT_CONFIG
    assert "--replays: -1 is negative" in capsys.readouterr().err


def _value(v: object) -> object:
    return None if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)) else v
