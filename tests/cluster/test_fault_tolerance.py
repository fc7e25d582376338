"""Fault tolerance on a local multi-node Ray cluster (issue 6): a worker node lost, the driver
SIGKILLed, a gateway actor killed, a driver killed while publishing a part file. Every test
reads the raw part files (not only the deduplicating `load`) and prints its figures
(scheduled / completed / duplicated / lost; run pytest with -s to see them), and with
ARENA_FAULT_TABLE=<file.md> writes them as the markdown table of docs/fault-tolerance.md.

The cluster is `ray start` nodes on free ports (tests/cluster/multinode.py): a head with no
CPUs, so every episode task runs on a worker node, and two 1-CPU workers. Drivers are child
processes (`arena run --address ...`), so this test process never joins that cluster.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "backends"))
from multinode import LocalCluster, figures, part_files, raw_table  # noqa: E402
from openai_server import start_server  # noqa: E402

from arena.config.load import load_tournament  # noqa: E402
from arena.results import completed_episode_ids, load  # noqa: E402
from arena.schedule import episodes  # noqa: E402

CHILDREN = str(Path(__file__).parent / "fault_children.py")
RESULTS: dict[str, tuple] = {}  # test -> (Figures, what it does), for the markdown table

# Scripted players plus a stand-in model that answers after a delay: 240 episodes that take long
# enough (7-8 s on two 1-CPU workers with 60 ms answers, 12 s with 100 ms) to be hit mid-run, at
# almost no CPU cost.
CONFIG = """
name: {name}
output_dir: {out}
games: [{{name: tic_tac_toe}}]
players:
  - {{type: random, name: r1}}
  - {{type: random, name: r2}}
  - {{type: llm, model: simulated_slow, backend_options: {{latency_ms: {latency_ms}}}}}
episodes_per_pairing: {per_pairing}
shard_size: {shard_size}
max_in_flight: 4
log_level: WARNING
"""


@pytest.fixture(scope="module")
def cluster():
    c = LocalCluster(head_cpus=0, workers=(1, 1))
    yield c
    c.shutdown()


@pytest.fixture(scope="module", autouse=True)
def figures_table():
    """ARENA_FAULT_TABLE=path: the figures of the tests that ran, as the markdown table of docs/fault-tolerance.md."""
    yield
    if RESULTS and os.environ.get("ARENA_FAULT_TABLE"):
        write_table(Path(os.environ["ARENA_FAULT_TABLE"]))


def write_table(path: Path) -> None:
    rows = ["| test | scheduled | completed | duplicated | lost | notes |", "|---|---:|---:|---:|---:|---|"]
    explain = []
    for name, (f, what) in RESULTS.items():
        rows.append(f"| {name} | {f.scheduled} | {f.completed} | {f.duplicated} | {f.lost} | {f.note} |")
        explain.append(f"- **{name}**: {what}")
    path.write_text(
        "## Fault tolerance (tests/cluster/test_fault_tolerance.py)\n\n"
        "A local Ray cluster of `ray start` nodes: a head with no CPUs and two 1-CPU workers, so every "
        "episode task runs on a worker node. *completed*: distinct scheduled episode_ids with a finished row "
        "in the raw `episodes/part-*.parquet` files (read one by one with pyarrow, not through the "
        "deduplicating `load`); *duplicated*: episode rows beyond the first for an episode_id; *lost*: "
        "scheduled episode_ids with no finished row.\n\n" + "\n".join(rows) + "\n\n" + "\n".join(explain) + "\n")


def write_config(tmp_path: Path, name: str, per_pairing: int = 80, shard_size: int = 4, latency_ms: int = 60) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(CONFIG.format(name=name, out=tmp_path / "out", per_pairing=per_pairing, shard_size=shard_size,
                                  latency_ms=latency_ms))
    return path


def scheduled_ids(config: Path) -> set[str]:
    ids = [s.episode_id for s in episodes(load_tournament(str(config)))]
    assert len(ids) == len(set(ids))
    return set(ids)


def arena_cmd(cluster: LocalCluster, config: Path) -> list[str]:
    return ["run", str(config), "--address", cluster.address, "--no-progress"]


def start(cluster: LocalCluster, args: list[str], tmp_path: Path, label: str) -> subprocess.Popen:
    """A driver in its own process group, output to files (a pipe nobody reads could block it)."""
    with open(tmp_path / f"{label}.out", "w") as out, open(tmp_path / f"{label}.err", "w") as err:
        return subprocess.Popen([sys.executable, *args], cwd=tmp_path, env=cluster.env, stdout=out, stderr=err,
                                start_new_session=True)


def finish(proc: subprocess.Popen, tmp_path: Path, label: str, timeout: float = 120) -> tuple[int, str]:
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return proc.returncode, (tmp_path / f"{label}.err").read_text()


def run_arena(cluster: LocalCluster, config: Path, tmp_path: Path, label: str) -> tuple[int, str]:
    return finish(start(cluster, ["-m", "arena.cli", *arena_cmd(cluster, config)], tmp_path, label), tmp_path, label)


def wait_for(condition, timeout: float, what: str, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert proc is None or proc.poll() is None, f"the driver ended before {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def assert_every_part_reads(root: Path) -> int:
    files = [f for name in ("episodes", "seats", "moves") for f in part_files(root, name)]
    for f in files:
        pq.read_table(f)  # raises on a torn or foreign file
    return len(files)


def assert_exact(root: Path, ids: set[str]) -> None:
    raw = raw_table(root, "episodes", ["episode_id", "status"])
    counts = Counter(raw["episode_id"].to_pylist())
    assert set(counts) == ids, (len(set(counts) - ids), len(ids - set(counts)))
    assert max(counts.values()) == 1, [e for e, c in counts.items() if c > 1][:5]
    assert set(raw["status"].to_pylist()) <= {"ok", "truncated", "forfeit"}
    assert completed_episode_ids(root) == ids
    r = load(root)
    assert len(r.episodes) == len(ids) and len(r.seats) == 2 * len(ids)


def report(test: str, root: Path, ids: set[str], what: str, note: str = ""):
    f = figures(test, root, ids, note)
    print("\n" + f.line())
    RESULTS[test] = (f, what)
    return f


def played(stderr: str) -> tuple[int, int]:
    line = next(text for text in stderr.splitlines() if text.startswith("played "))
    words = line.split()
    return int(words[1]), int(words[3].lstrip("("))


def skipped(stderr: str) -> int:
    line = next((text for text in stderr.splitlines() if text.startswith("resumed: skipped ")), None)
    return int(line.split()[2]) if line else 0


def tasks_on(node) -> list[int]:
    """Episode tasks executing on a node (Ray titles a busy worker process `ray::<task>`)."""
    return [pid for pid, args in node.processes() if args.startswith("ray::play_shard_task")]


def test_worker_node_killed_mid_tournament(cluster, tmp_path):
    victim = cluster.add_worker(1, name="victim")
    config = write_config(tmp_path, "nodekill")
    ids, root = scheduled_ids(config), tmp_path / "out" / "nodekill"
    try:
        driver = start(cluster, ["-m", "arena.cli", *arena_cmd(cluster, config)], tmp_path, "run")
        begun = time.monotonic()  # well into the run (tasks come and go on every node), while one runs there
        wait_for(lambda: time.monotonic() - begun > 4 and tasks_on(victim), 90, "an episode task on the victim", driver)
        before = len(raw_table(root, "episodes", ["episode_id"]) or [])
        running = len(tasks_on(victim))
        victim.kill()
        rc, err = finish(driver, tmp_path, "run")
    finally:
        victim.kill()
        cluster.nodes.remove(victim)
    assert rc == 0, err[-3000:]
    assert played(err) == (len(ids), 0), err[-2000:]  # every episode played, none recorded as an error
    assert before < len(ids)  # the node died mid-run
    n_files = assert_every_part_reads(root)
    assert_exact(root, ids)
    report("worker node killed", root, ids,
           "adds a third 1-CPU worker node, starts `arena run --address` on a 240-episode round robin (shards of 4), "
           "SIGKILLs every process of that node (raylet, agents, workers) while an episode task runs on it; "
           "Ray retries the lost tasks on the other workers. Checks: exit 0, 0 error "
           "episodes, every scheduled episode_id exactly once in the raw part files, every part file readable.",
           f"{before} episodes saved before the kill, {running} task(s) running on the killed node; "
           f"{n_files} part files, all readable")


def test_driver_sigkilled_then_resumed(cluster, tmp_path):
    config = write_config(tmp_path, "driverkill", latency_ms=100)  # about 12 s: the first part comes at 5 s
    ids, root = scheduled_ids(config), tmp_path / "out" / "driverkill"
    driver = start(cluster, ["-m", "arena.cli", *arena_cmd(cluster, config)], tmp_path, "first")
    wait_for(lambda: part_files(root, "episodes"), 90, "the first part file", driver)
    os.killpg(driver.pid, signal.SIGKILL)
    driver.wait()
    saved = raw_table(root, "episodes", ["episode_id"])["episode_id"].to_pylist()
    assert 0 < len(saved) == len(set(saved)) < len(ids)
    assert_every_part_reads(root)

    rc, err = run_arena(cluster, config, tmp_path, "again")  # the same command again
    assert rc == 0, err[-3000:]
    assert skipped(err) == len(saved)  # "resumed: skipped N episodes already in ..."
    assert played(err) == (len(ids) - len(saved), 0)  # only the missing ones
    assert_exact(root, ids)
    report("driver SIGKILLed, rerun", root, ids,
           "starts `arena run --address` (240 episodes), SIGKILLs the driver once its first part file is published, "
           "then runs the same command again. Checks: the rerun prints `resumed: skipped N` with N = the episode "
           "rows already saved, plays exactly the others with 0 errors, and the raw part files end with every "
           "scheduled episode_id exactly once.",
           f"killed with {len(saved)} saved; rerun skipped {skipped(err)}, played {played(err)[0]}")


MODEL_CONFIG = """
name: {name}
output_dir: {out}
litellm_models: {models}
games: [{{name: tic_tac_toe}}]
players:
  - {{type: llm, model: litellm_hosted_vllm/test-model}}
  - {{type: random}}
episodes_per_pairing: {per_pairing}
shard_size: 4
log_level: WARNING
providers:
  hosted_vllm: {providers}
"""


def write_model_config(tmp_path: Path, server, name: str, per_pairing: int, providers: str) -> Path:
    """A litellm player on the fake server against `random`, under the provider settings `providers`."""
    (tmp_path / "models.yaml").write_text(
        f"models:\n  - name: litellm_hosted_vllm/test-model\n    api_base: {server.url}\n")
    config = tmp_path / f"{name}.yaml"
    config.write_text(MODEL_CONFIG.format(name=name, out=tmp_path / "out", models=tmp_path / "models.yaml",
                                          per_pairing=per_pairing, providers=providers))
    return config


def test_gateway_actor_killed_leases_reclaimed(cluster, tmp_path):
    rpm = 4  # with a 0.1 s window: at most 4 requests at once, all held by the one gateway
    with start_server(latency_ms=300) as server:
        config = write_model_config(tmp_path, server, "gwkill", 16,
                                    f"{{rpm: {rpm}, window_s: 0.1, gateways: 1, max_concurrency: {rpm}}}")
        ids, root = scheduled_ids(config), tmp_path / "out" / "gwkill"
        proc = start(cluster, [CHILDREN, "gateway", str(config), cluster.address, server.base,
                               str(tmp_path / "gw.json")], tmp_path, "gw")
        rc, err = finish(proc, tmp_path, "gw", timeout=150)
        requests = server.stats()["total"]
    assert rc == 0, err[-3000:]
    seen = json.loads((tmp_path / "gw.json").read_text())
    print("\n" + json.dumps(seen))
    assert seen["before_kill"]["in_flight"] == rpm  # killed holding every slot of the account
    assert seen["gateway_restarts"] == 1 and seen["gateway_state"] == "ALIVE"  # it came back
    assert seen["recovered_after_s"] < 30 and seen["after_restart"]["reclaimed"] >= 1  # ended at its restart...
    assert seen["end"]["in_flight"] == 0  # ...and none is left at the end
    # Without the reclaim, the 4 leases would hold the account for lease_s (900 s).
    assert seen["finished_after_kill_s"] < 60
    assert (seen["played"], seen["errors"], seen["skipped"]) == (len(ids), 0, 0)
    assert_exact(root, ids)
    moves = raw_table(root, "moves", ["player", "error_class"]).to_pandas()
    llm = moves[moves.player.str.startswith("litellm_")]
    assert len(llm) and llm.error_class.isna().all()  # calls cut by the kill were retried on the restarted gateway
    report("gateway actor killed", root, ids,
           "a driver plays 16 episodes of a litellm player (fake OpenAI server, 300 ms per answer) through one "
           f"gateway under rpm={rpm} per 0.1 s window, and `ray.kill(gateway, no_restart=False)`s it while it holds all "
           f"{rpm} leases of the account limiter. Checks: the gateway restarts (NumRestarts 1), its restart ends the "
           "dead life's leases (`reclaimed`), the tournament finishes with 0 error episodes and 0 errored model "
           "calls, and the limiter holds no lease at the end.",
           f"{seen['after_restart']['reclaimed']} leases reclaimed {seen['recovered_after_s']} s after the kill; "
           f"finished {seen['finished_after_kill_s']} s after it; {requests} requests served; 0 leases at the end")


RUN_ACTORS = ("Gateway", "Ledger", "AccountLimiter")


def test_a_lost_worker_node_takes_none_of_the_runs_actors(cluster, tmp_path):
    victim = cluster.add_worker(1, name="victim-actors")
    with start_server(latency_ms=100) as server:
        config = write_model_config(tmp_path, server, "actors", 40, "{rpm: 200, window_s: 1, gateways: 4}")
        ids, root = scheduled_ids(config), tmp_path / "out" / "actors"

        def run_actors() -> list[dict]:
            return [a for a in cluster.actors() if a["ActorClassName"] in RUN_ACTORS and a["State"] == "ALIVE"]

        try:
            driver = start(cluster, ["-m", "arena.cli", *arena_cmd(cluster, config)], tmp_path, "run")
            wait_for(lambda: len(run_actors()) >= 6 and tasks_on(victim), 90,
                     "4 gateways, the ledger, the limiter and an episode task on the victim", driver)
            placed = Counter((a["ActorClassName"], a["Address"]["NodeID"]) for a in run_actors())
            victim.kill()
            rc, err = finish(driver, tmp_path, "run")
        finally:
            victim.kill()
            cluster.nodes.remove(victim)
    head = cluster.head_node_id()
    # Left to Ray's default policy, these zero-CPU actors land on any node, and the victim takes those on it along.
    assert {node for _, node in placed} == {head}, placed
    assert rc == 0, err[-3000:]
    assert played(err) == (len(ids), 0), err[-2000:]
    assert_exact(root, ids)
    report("worker node killed, model players", root, ids,
           "adds a 1-CPU worker node, starts `arena run --address` on 40 episodes of a litellm player (fake OpenAI "
           "server, 100 ms per answer, 4 gateways, an rpm limit) against `random`, and SIGKILLs that node once the "
           "run's actors are up and an episode task runs on it. Checks: the 4 gateways, the ledger and the account "
           "limiter all run on the head node, so the lost node takes none of them; exit 0, 0 error episodes, every "
           "episode_id exactly once.",
           f"{sum(placed.values())} run actors, all on the head; the run went on without an error")


def test_process_killed_while_writing_a_part_file(cluster, tmp_path):
    config = write_config(tmp_path, "partkill")
    ids, root = scheduled_ids(config), tmp_path / "out" / "partkill"
    # The driver SIGKILLs itself in the middle of publishing its 2nd part (it writes one about every second):
    # moves written, seats half written under the temporary name, episodes never.
    rc, err = finish(start(cluster, [CHILDREN, "partkill", "2", "--", *arena_cmd(cluster, config)], tmp_path,
                           "dying"), tmp_path, "dying")
    assert rc == -signal.SIGKILL and "SIGKILL while writing part 2" in err, err[-3000:]
    assert len(part_files(root, "episodes")) == len(part_files(root, "seats")) == 1
    assert len(part_files(root, "moves")) == 2  # the lost part's moves file was already in place
    leftovers = sorted(p.name for p in root.rglob(".part-*.tmp"))
    assert len(leftovers) == 1 and (root / "seats" / leftovers[0]).exists()
    assert_every_part_reads(root)  # no torn file under a part-*.parquet name
    saved = set(raw_table(root, "episodes", ["episode_id"])["episode_id"].to_pylist())
    moves = raw_table(root, "moves", ["episode_id", "play_id"]).to_pandas()
    lost = moves[~moves.episode_id.isin(saved)]  # the episodes of the part that never got published
    lost_ids, lost_plays = set(lost.episode_id), set(lost.play_id)
    assert lost_ids and not lost_ids & saved
    r = load(root)  # readable: the temporary file and the orphaned moves are ignored
    assert set(r.episodes.episode_id) == saved == completed_episode_ids(root)
    assert not set(r.moves.play_id) & lost_plays

    rc, err = run_arena(cluster, config, tmp_path, "again")
    assert rc == 0, err[-3000:]
    assert skipped(err) == len(saved) and played(err) == (len(ids) - len(saved), 0), err[-2000:]
    assert_exact(root, ids)
    final = raw_table(root, "episodes", ["episode_id", "play_id"]).to_pandas().set_index("episode_id")
    assert not set(final.loc[sorted(lost_ids), "play_id"]) & lost_plays  # played again, as new plays
    assert_every_part_reads(root)
    report("killed while writing a part", root, ids,
           "a driver (`arena run` with pyarrow's write_table wrapped, a part every ~1 s) SIGKILLs itself while "
           "publishing its 2nd part "
           "(moves file renamed into place, seats file half written under `.part-*.tmp`, no episodes file). Checks: "
           "every `part-*.parquet` reads, `load()` and `completed_episode_ids` see exactly the 1st part, and the "
           "same command again skips those, re-plays the lost part's episodes (new play_ids) and the rest.",
           f"{len(saved)} saved, {len(lost_ids)} in the lost part; rerun played {played(err)[0]}; "
           f"{len(list(root.rglob('.part-*.tmp')))} `.part-*.tmp` left behind (ignored by readers)")
