"""The chaos soak (bench/chaos.py) shortened to a test: 60 s of worker nodes, gateway and limiter actors
killed, the driver SIGKILLed once and resumed, and a provider answering with 429s, 503s, hangs and
malformed bodies, on a local multi-node cluster. Nothing finished may be lost or counted twice, the
provider's rate limit must hold in every window, and the scripted-only pairings must play exactly as
they do without faults. One soak serves every test here; run with `pytest -s` to see its progress.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
SOAK = ROOT / "bench" / "chaos.py"
SECONDS = 60


@pytest.fixture(scope="module")
def figures() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    env.update(CHAOS_SECONDS=str(SECONDS), CHAOS_SEED="7", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, str(SOAK)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=420)
    print(done.stdout)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_nothing_lost_or_counted_twice(figures):
    assert figures["scheduled"] > 0
    assert figures["lost"] == 0 and figures["completed"] == figures["scheduled"], figures["error_episodes_by_reason"]
    assert figures["duplicated_on_disk"] == 0 and figures["duplicated_after_load"] == 0
    assert figures["completed_after_load"] == figures["scheduled"]


def test_the_rerun_resumed_from_what_the_killed_driver_saved(figures):
    assert figures["faults"]["driver_kill"] == 1
    assert figures["rerun_skipped"] == figures["saved_at_driver_kill"] > 0


def test_lost_nodes_and_actors_fail_no_episode_and_not_the_driver(figures):
    # Episodes whose retries ran out against the injected faults may end as errors (about one call in 10^5);
    # none may fail because a node took an actor with it.
    died = {reason: n for reason, n in figures["error_episodes_by_reason"].items() if "ActorDied" in reason}
    assert not died, figures["actors_lost_with_nodes"]
    lost = {cls: n for cls, n in figures["actors_lost_with_nodes"].items() if cls in ("Gateway", "AccountLimiter",
                                                                                        "Ledger", "LiveCounts")}
    assert not lost  # the run's actors live on the head (backends/placement.py), which no chaos kills
    assert figures["driver_failures"] == 0, figures["driver_exits"]
    assert figures["driver_runs"] == 2  # the first and, after the kill, the rerun: no other run was needed


def test_every_kind_of_fault_was_injected(figures):
    faults = figures["faults"]
    assert faults.get("node_kill", 0) >= 3 and faults.get("gateway_kill", 0) >= 2, faults
    assert faults.get("limiter_kill", 0) >= 2, faults
    for kind in ("rate_limited", "server_error", "hang", "malformed"):
        assert faults.get(kind, 0) >= 3, faults


def test_provider_limit_held_in_every_window(figures):
    assert figures["requests"] > 3 * figures["rpm_limit"]  # enough demand for the limit to bind
    assert not figures["rate_limit_exceeded"], (figures["max_in_sliding_window"], figures["rpm_limit"])


def test_scripted_results_identical_to_a_clean_run(figures):
    assert figures["clean_rc"] == 0 and figures["scripted_episodes_compared"] > 0
    assert figures["scripted_identical"], figures["scripted_episodes_differing"]
