"""A local multi-node Ray cluster for fault tests: `ray start` nodes on free ports, each in a session
of its own so that one can be killed like a lost machine, and helpers that read results raw.

Every node runs with its own RAY_TMPDIR and (unless told otherwise) RAY_AUTH_MODE=disabled, so
neither a token in the home directory nor another cluster's /tmp/ray/ray_current_cluster can get in
the way; clients connect by explicit address. Stopping signals only these nodes' processes: `ray stop` would stop every Ray
on the machine.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).parents[2]
RAY = str(Path(sys.executable).parent / "ray")
# A lost node is declared dead after 3-4 s instead of Ray's default (about 15 s), so a test that
# kills one, then adds another, waits less; loose enough that a busy 2-core machine never fails
# a live node's health check three times running.
FAST_FAILURE_DETECTION = {
    "RAY_health_check_initial_delay_ms": "1000",
    "RAY_health_check_period_ms": "1000",
    "RAY_health_check_timeout_ms": "1000",
    "RAY_health_check_failure_threshold": "3",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of every process these tests start: no inherited RAY_* setting (an address,
    a token mode) leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    env.update(RAY_AUTH_MODE="disabled", PYTHONPATH=str(ROOT), LITELLM_LOCAL_MODEL_COST_MAP="True", COLUMNS="200")
    env.update(extra)
    return env


@dataclass
class Node:
    name: str
    proc: subprocess.Popen
    num_cpus: int

    def processes(self) -> list[tuple[int, str]]:
        """(pid, command line) of every process of this node. The node runs in a session of its own;
        Ray puts each worker in a process group of its own, but not in a session of its own."""
        out = subprocess.run(["ps", "-o", "pid=,args=", "-s", str(self.proc.pid)], capture_output=True, text=True)
        return [(int(pid), args) for pid, _, args in (line.strip().partition(" ") for line in out.stdout.splitlines())]

    def kill(self) -> None:
        """SIGKILL every process of the node (raylet, agents, workers), as if the machine died."""
        for pid, _ in self.processes():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(timeout=30)


class LocalCluster:
    """`ray start --head` plus worker nodes on 127.0.0.1; `address` is the head's GCS address."""

    def __init__(self, head_cpus: int = 0, workers: tuple[int, ...] = (1, 1), dashboard: bool = False,
                 **env: str):
        """`dashboard`: the head serves the dashboard and job API at `dashboard_url`; `env`: more
        environment for every node (e.g. RAY_AUTH_MODE=token and RAY_AUTH_TOKEN)."""
        # Short: Ray's socket paths must fit in 107 bytes.
        self.tmpdir = tempfile.mkdtemp(prefix="rayft", dir="/tmp")
        self.env = clean_env(RAY_TMPDIR=self.tmpdir, **{**FAST_FAILURE_DETECTION, **env})
        self.dashboard_port = free_port()
        self.dashboard_url = f"http://127.0.0.1:{self.dashboard_port}"
        self.nodes: list[Node] = []
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        try:
            self.head = self._start("head", head_cpus, ["--head", "--port", str(self.port), "--include-dashboard",
                                                        str(dashboard).lower(), "--dashboard-host", "127.0.0.1",
                                                        "--dashboard-port", str(self.dashboard_port),
                                                        "--ray-client-server-port", str(free_port())])
            self.wait_for_nodes(1)
            for i, cpus in enumerate(workers):
                self.add_worker(cpus, name=f"worker-{i}")
        except BaseException:
            self.shutdown()
            raise

    def _start(self, name: str, num_cpus: int, args: list[str]) -> Node:
        ports = ["--node-ip-address", "127.0.0.1", "--dashboard-agent-listen-port", str(free_port()),
                 "--dashboard-agent-grpc-port", str(free_port()), "--metrics-export-port", str(free_port()),
                 "--runtime-env-agent-port", str(free_port())]
        proc = subprocess.Popen([RAY, "start", "--block", "--num-cpus", str(num_cpus), "--num-gpus", "0",
                                 "--object-store-memory", str(100 * 1024 * 1024), *ports, *args],
                                env=self.env, cwd=ROOT, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        node = Node(name, proc, num_cpus)
        self.nodes.append(node)
        return node

    def alive(self) -> int:
        return sum(1 for n in self.nodes if n.proc.poll() is None)

    def add_worker(self, num_cpus: int = 1, name: str | None = None, wait: bool = True) -> Node:
        node = self._start(name or f"worker-{len(self.nodes)}", num_cpus, ["--address", self.address])
        if wait:
            self.wait_for_nodes(self.alive())
        return node

    def wait_for_nodes(self, n: int, timeout: float = 90) -> None:
        """Until the GCS counts `n` alive nodes; asked from a child process, without joining the
        cluster as a driver (this test process may hold an embedded Ray of its own)."""
        code = ("import sys, time, ray._private.state as s\n"
                "from ray._raylet import GcsClientOptions\n"
                "g = s.GlobalState(); g._initialize_global_state(GcsClientOptions.create(sys.argv[1], None, "
                "allow_cluster_id_nil=True, fetch_cluster_id_if_nil=False))\n"
                "deadline = time.monotonic() + float(sys.argv[3])\n"
                "while time.monotonic() < deadline:\n"
                "    try:\n"
                "        if len(g._live_node_ids()) == int(sys.argv[2]): sys.exit(0)\n"
                "    except Exception: pass\n"
                "    time.sleep(0.2)\n"
                "sys.exit(1)\n")
        out = subprocess.run([sys.executable, "-c", code, self.address, str(n), str(timeout)], env=self.env,
                             capture_output=True, text=True, timeout=timeout + 60)
        exited = [node.name for node in self.nodes if node.proc.poll() is not None and node.proc.returncode != -9]
        assert out.returncode == 0 and not exited, (f"{n} Ray nodes did not come up (exited: {exited}); "
                                                    f"logs under {self.tmpdir}: {out.stderr[-1500:]}")

    def actors(self, class_name: str | None = None) -> list[dict]:
        """The GCS's actor table (Name, ActorClassName, State, NumRestarts, Pid, ...), optionally of one
        class. Read through a GCS client in this process, without joining the cluster as a driver; this
        process's RAY_AUTH_MODE must be the cluster's (see `env`)."""
        if getattr(self, "_gcs_state", None) is None:
            import ray._private.state as state
            from ray._raylet import GcsClientOptions

            self._gcs_state = state.GlobalState()
            self._gcs_state._initialize_global_state(GcsClientOptions.create(
                self.address, None, allow_cluster_id_nil=True, fetch_cluster_id_if_nil=False))
        table = self._gcs_state.actor_table(None).values()
        return [a for a in table if class_name is None or a["ActorClassName"] == class_name]

    def head_node_id(self) -> str:
        """The head's node id, as the GCS knows it (the node with Ray's head resource)."""
        self.actors()  # connects the GCS client
        return next(n["NodeID"] for n in self._gcs_state.node_table()
                    if n["Alive"] and "node:__internal_head__" in n["Resources"])

    def shutdown(self) -> None:
        for node in reversed(self.nodes):  # workers first, the head last
            if node.proc.poll() is None:
                try:
                    os.killpg(node.proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        deadline = time.monotonic() + 5  # `ray start --block` can take longer on SIGTERM
        for node in self.nodes:
            try:
                node.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(node.proc.pid, signal.SIGKILL)
                node.proc.wait(timeout=30)
        for node in self.nodes:  # whatever a node left behind (workers whose raylet went first)
            node.kill()
        shutil.rmtree(self.tmpdir, ignore_errors=True)


def kill_actor_process(actor: dict) -> None:
    """SIGKILL an actor's worker process (an entry of `LocalCluster.actors`), as if it crashed: Ray
    restarts the actor where it has restarts left, and each such kill uses one of them."""
    try:
        os.kill(actor["Pid"], signal.SIGKILL)
    except ProcessLookupError:  # it died on its own in the meantime
        pass


def episode_tasks(node: Node) -> list[int]:
    """Episode tasks executing on a node (Ray titles a busy worker process `ray::<task>`)."""
    return [pid for pid, args in node.processes() if args.startswith("ray::play_shard_task")]


# ---- Results read straight from the part files, not through the deduplicating `load`. ----

def part_files(root: Path, table: str) -> list[Path]:
    return sorted((root / table).glob("part-*.parquet"))


def raw_table(root: Path, table: str, columns: list[str] | None = None):
    """Every row of every published part file of `table`; each file must read on its own."""
    import pyarrow as pa

    tables = [pq.read_table(f, columns=columns) for f in part_files(root, table)]
    return pa.concat_tables(tables) if tables else None


def raw_episode_ids(root: Path) -> list[str]:
    t = raw_table(root, "episodes", ["episode_id"])
    return [] if t is None else t["episode_id"].to_pylist()


@dataclass
class Figures:
    test: str
    scheduled: int
    completed: int  # distinct episode_ids in the raw episode part files with a finished status
    duplicated: int  # episode rows beyond the first for an episode_id
    lost: int  # scheduled episode_ids with no finished row
    note: str = ""

    def line(self) -> str:
        return (f"[{self.test}] scheduled={self.scheduled} completed={self.completed} "
                f"duplicated={self.duplicated} lost={self.lost}" + (f" ({self.note})" if self.note else ""))


def figures(test: str, root: Path, scheduled_ids: set[str], note: str = "") -> Figures:
    t = raw_table(root, "episodes", ["episode_id", "status"])
    ids = [] if t is None else t["episode_id"].to_pylist()
    statuses = [] if t is None else t["status"].to_pylist()
    finished = {i for i, s in zip(ids, statuses, strict=True) if s in ("ok", "truncated", "forfeit")}
    dup = sum(c - 1 for c in Counter(ids).values() if c > 1)
    return Figures(test, len(scheduled_ids), len(finished & scheduled_ids), dup, len(scheduled_ids - finished), note)

