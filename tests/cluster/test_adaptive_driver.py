"""Adaptive schedules on a real embedded Ray: rounds recorded with their reasons, the same rounds from the same
seed, and a run killed in the middle of a round resumed to exactly the rounds of one never stopped."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from multinode import ROOT, clean_env  # noqa: E402

from arena.adaptive.record import SCHEDULE_FILE  # noqa: E402
from arena.config import Tournament  # noqa: E402
from arena.results import completed_episode_ids, load  # noqa: E402
from cluster.driver import run_tournament  # noqa: E402

PLAYERS = [{"type": "random"}, {"type": "mcts", "name": "mcts_5", "simulations": 5},
           {"type": "mcts", "name": "mcts_40", "simulations": 40}]
SCHEDULE = {"mode": "adaptive", "target_ci": 150, "batch_episodes": 40, "min_per_pairing": 4, "max_episodes": 600}


def definition(output_dir, name="adaptive", **schedule):
    return {"name": name, "output_dir": str(output_dir), "games": [{"name": "tic_tac_toe"}], "players": PLAYERS,
            "shard_size": 4, "schedule": {**SCHEDULE, **schedule}}


def record(root) -> dict:
    return json.loads((Path(root) / SCHEDULE_FILE).read_text())


def test_rounds_are_recorded_with_their_reasons_and_stop_on_the_target(ray_local, tmp_path):
    summary = run_tournament(Tournament.model_validate(definition(tmp_path)), show_progress=False)
    r = record(summary.root)
    assert r["stop"]["reason"] == "target" and r["stop"]["widest_half_width"] <= 150
    assert summary.stop and "within ±150 Elo" in summary.stop
    first, *later = r["rounds"]
    assert first["episodes"] == 3 * 4 and {a["reason"] for a in first["allocations"]} == {"fill to min_per_pairing"}
    assert later and all(0 < x["episodes"] <= 40 for x in later)
    assert all(a["reason"].startswith("shrinks ") for x in later for a in x["allocations"])
    assert all(set(x["half_widths"]) == {"mcts_5", "mcts_40"} for x in later)  # random is the reference: a point
    episodes = load(summary.root).episodes
    assert len(episodes) == summary.played == sum(x["episodes"] for x in r["rounds"]) == r["stop"]["rated_episodes"]
    # Every pairing's repetitions follow on from round to round, both seatings of each, no episode twice.
    assert episodes.episode_id.is_unique
    per_pairing = episodes.groupby(["seed", "repetition"]).size()
    assert set(per_pairing) == {2}


def test_the_same_seed_chooses_the_same_rounds_and_another_seed_other_ones(ray_local, tmp_path):
    a = run_tournament(Tournament.model_validate(definition(tmp_path / "a")), show_progress=False)
    b = run_tournament(Tournament.model_validate(definition(tmp_path / "b")), show_progress=False)
    assert record(a.root)["rounds"] == record(b.root)["rounds"]
    c = run_tournament(Tournament.model_validate({**definition(tmp_path / "c"), "seed": 7}), show_progress=False)
    assert record(c.root)["rounds"] != record(a.root)["rounds"]


def test_a_finished_schedule_plays_nothing_more_and_a_tighter_target_goes_on(ray_local, tmp_path):
    first = run_tournament(Tournament.model_validate(definition(tmp_path)), show_progress=False)
    again = run_tournament(Tournament.model_validate(definition(tmp_path)), show_progress=False)
    assert again.played == 0 and again.skipped == first.played and record(first.root)["stop"]["reason"] == "target"
    tighter = run_tournament(Tournament.model_validate(definition(tmp_path, target_ci=100)), show_progress=False)
    r = record(first.root)
    assert tighter.played > 0 and r["settings"]["target_ci"] == 100 and len(r["rounds"]) > len(record_rounds(first))
    assert r["stop"]["reason"] in ("target", "separated")


def record_rounds(summary) -> list:
    return [x for x in record(summary.root)["rounds"] if x["episodes_before"] < summary.played]


def test_a_run_killed_inside_a_round_resumes_to_the_rounds_of_an_unbroken_run(tmp_path):
    config = tmp_path / "t.yaml"
    # Slower players than above, so that the kill lands inside the second round.
    players = [{"type": "random"}, {"type": "mcts", "name": "mcts_20", "simulations": 20},
               {"type": "mcts", "name": "mcts_200", "simulations": 200}]
    config.write_text(yaml.safe_dump({**definition("results"), "players": players, "max_in_flight": 1}))
    env = clean_env()
    cmd = [sys.executable, "-m", "arena.cli", "run", str(config), "--no-progress"]
    killed = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)
    schedule = tmp_path / "results" / "adaptive" / SCHEDULE_FILE
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and killed.poll() is None:
        if schedule.exists() and len(json.loads(schedule.read_text())["rounds"]) >= 2:
            os.killpg(killed.pid, signal.SIGKILL)
            break
        time.sleep(0.02)
    killed.wait(timeout=60)
    assert killed.returncode == -signal.SIGKILL, "the run ended before its second round began"
    cut = json.loads(schedule.read_text())
    root = tmp_path / "results" / "adaptive"
    done = completed_episode_ids(root) if (root / "episodes").exists() else set()
    assert len(done) < sum(x["episodes"] for x in cut["rounds"]), "the kill did not land inside a round"
    resumed = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "missing episodes of 2 recorded rounds" in resumed.stderr
    unbroken_dir = tmp_path / "unbroken"
    unbroken_dir.mkdir()
    subprocess.run(cmd, cwd=unbroken_dir, env=env, capture_output=True, text=True, timeout=300, check=True)
    after, unbroken = record(root), record(unbroken_dir / "results" / "adaptive")
    assert after["rounds"] == unbroken["rounds"] and after["stop"] == unbroken["stop"]
    episodes = load(root).episodes
    assert episodes.episode_id.is_unique and len(episodes) == sum(x["episodes"] for x in after["rounds"])
    assert ROOT.exists()


def test_a_pairing_whose_sequential_test_decided_gets_no_more_than_its_fill(ray_local, tmp_path):
    t = Tournament.model_validate(definition(tmp_path, target_ci=60, sprt={"elo0": 0, "elo1": 150}))
    summary = run_tournament(t, show_progress=False)
    r = record(summary.root)
    closed_at = {}
    for x in r["rounds"]:
        for pairing, test in x["sprt"].items():
            if test["decision"] and pairing not in closed_at:
                closed_at[pairing] = x["round"]
    assert closed_at, r["rounds"][-1]["sprt"]
    for pairing, number in closed_at.items():
        later = [a for x in r["rounds"] if x["round"] >= number for a in x["allocations"]
                 if " vs ".join(a["players"]) == pairing]
        assert not later, f"{pairing} decided before round {number} but played in it"
    assert r["stop"]["reason"] in ("target", "separated", "decided", "nothing_helps")
