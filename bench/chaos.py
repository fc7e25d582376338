"""Chaos soak: a long mixed tournament on a local multi-node cluster while things keep failing.

A head with no CPUs and two 1-CPU worker nodes (`ray start` processes on this machine) play a round
robin of scripted players (random, mcts) and two litellm_* models on a fake OpenAI-compatible server
that answers some requests with a 429 (with Retry-After), a 503, a hang past the request timeout or a
malformed body, at fixed rates. Meanwhile a seeded chaos loop, for CHAOS_SECONDS, keeps doing in turn:
kill a worker node (every process of it, SIGKILL) and start a new one, SIGKILL a gateway actor,
SIGKILL the account's limiter actor; and once, SIGKILL the driver (`arena run`) and run the same
command again (resume). A driver that ends by itself with episodes left is run again too, as an operator
would, and after the chaos once more without faults if any are still left. Then it reads what the run left:

- scheduled, completed, lost (scheduled minus completed), duplicated: finished episode rows beyond
  the first for an episode_id in the raw part files, and episode_ids twice in the project's `load`;
- errors by class (the moves' error_class, the error episodes' reasons), faults injected by kind;
- the provider's limit: the most requests the server saw in any sliding window, against rpm;
- the scripted-only pairings played again on the same cluster without faults, same seed: their
  episode and move rows (timing columns left out) must equal the chaos run's.

    CHAOS_SECONDS=600 CHAOS_SEED=1 python bench/chaos.py

Progress goes to stdout line by line; the last line is one JSON object of the figures.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from _common import ROOT, emit

sys.path.insert(0, str(ROOT / "tests" / "cluster"))
sys.path.insert(0, str(ROOT / "tests" / "backends"))
from multinode import LocalCluster, episode_tasks, kill_actor_process, raw_table  # noqa: E402
from openai_server import MALFORMED, FakeOpenAI, Server, make_app  # noqa: E402

SECONDS = float(os.environ.get("CHAOS_SECONDS", "600"))
SEED = int(os.environ.get("CHAOS_SEED", "1"))

# The provider account, with its window scaled down (2 s, not 60) so that the limit binds all along:
# the model players ask for more than RPM per window, so the limiter is what paces them.
RPM, WINDOW_S, MAX_CONCURRENCY, GATEWAYS = 60, 2.0, 8, 2
LATENCY_MS, TIMEOUT_S, HANG_S, RETRY_AFTER_S = 40, 1.0, 2.5, 0.5  # a hang outlasts the request timeout
# At most one fault per request. The transient ones (503, hang, malformed) together stay low enough that
# four in a row, which use up one call's retries, come about once in 10^5 calls.
FAULT_RATES = {"rate_limited": 0.04, "server_error": 0.03, "hang": 0.02, "malformed": 0.03}
PAUSE_S = (1.0, 3.0)  # between two chaos actions: a shard of model episodes takes seconds, so most finish
DRIVER_KILL_AT = (0.3, 0.6)  # of the chaos window; not before the driver has saved a part, so the rerun resumes
# Throughput of this tournament under chaos on two 1-CPU workers (rate-limited model pairings dominate);
# it sizes the tournament so that it lasts about as long as the chaos window.
EPISODES_PER_S = 3.0

SCRIPTED = [{"type": "random", "name": "random_a"}, {"type": "random", "name": "random_b"},
            {"type": "mcts", "name": "mcts_16", "simulations": 16}]
MODELS = ["litellm_hosted_vllm/model-a", "litellm_hosted_vllm/model-b"]
GAMES = [{"name": "tic_tac_toe"}]
DONE = ("ok", "truncated", "forfeit")
# The columns of a scripted episode that its seed decides; play ids, definition ids, names and times differ.
EPISODE_COLUMNS = ["episode_id", "game_key", "players", "seed", "repetition", "seating", "first_seat", "status",
                   "reason", "returns", "num_moves"]
MOVE_COLUMNS = ["episode_id", "move_number", "seat", "player", "attempt", "state", "state_after", "action",
                "action_label", "spiel_action", "legal", "fallback"]


# ---- The provider: the fake OpenAI server, drawing faults per request and counting them. ----

class FaultyOpenAI(FakeOpenAI):
    """The fake server's state, with at most one fault drawn per request from its own seeded rng."""

    def __init__(self, mode: dict, rates: dict[str, float], seed: int):
        super().__init__(mode)
        self.rates, self.fault_rng, self.injected = rates, random.Random(seed), Counter()

    def draw(self) -> str | None:
        x = self.fault_rng.random()
        for kind, rate in self.rates.items():
            if x < rate:
                return kind
            x -= rate
        return None

    def decide(self, body: dict, auth: str) -> tuple[int, dict | None, str, dict]:
        # The handler reads hang_s right after decide, with no await in between: per request, this one's.
        self.mode["hang_s"] = 0.0
        kind = self.draw()
        if kind:
            self.injected[kind] += 1
        if kind == "rate_limited":
            msg = "Rate limit reached (injected)."
            return 429, {"message": msg, "code": "rate_limit_exceeded"}, "", {"Retry-After": str(RETRY_AFTER_S)}
        if kind == "server_error":
            return 503, {"message": "Injected error 503.", "code": None}, "", {}
        if kind == "malformed":
            return 200, None, MALFORMED, {}
        if kind == "hang":
            self.mode["hang_s"] = HANG_S
        return super().decide(body, auth)

    def stats(self, window_s: float | None) -> dict:
        return {**super().stats(window_s), "injected": dict(self.injected)}


async def serve_faulty(seed: int) -> None:
    import asyncio

    from aiohttp import web

    runner = web.AppRunner(make_app(FaultyOpenAI({"latency_ms": LATENCY_MS}, FAULT_RATES, seed)), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0, backlog=1024).start()
    print(f"PORT {runner.addresses[0][1]}", flush=True)
    await asyncio.Event().wait()


class FaultyServer(Server):
    """`serve_faulty` in a child process (this file with --serve), with the fake server's client methods."""

    def __init__(self, seed: int, startup_timeout_s: float = 20.0):
        self._start([sys.executable, __file__, "--serve", str(seed)], startup_timeout_s)


def serve_child(seed: int) -> None:
    import asyncio

    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    asyncio.run(serve_faulty(seed))


# ---- The tournament: the chaos run and its scripted-only twin. ----

def episodes_per_pairing(seconds: float) -> int:
    players = len(SCRIPTED) + len(MODELS)
    pairings = len(GAMES) * players * (players - 1) // 2
    per_pairing = int(seconds * EPISODES_PER_S / pairings)
    return max(4, per_pairing + per_pairing % 2)  # even: both seatings of every repetition


def write_config(work: Path, name: str, players: list[dict], per_pairing: int, models_file: Path | None) -> Path:
    config = {"name": name, "output_dir": str(work / "out"), "seed": SEED, "games": GAMES, "players": players,
              "episodes_per_pairing": per_pairing, "shard_size": 4, "max_in_flight": 4, "log_level": "WARNING"}
    if models_file:
        config.update(litellm_models=str(models_file), providers={"hosted_vllm": {
            "rpm": RPM, "window_s": WINDOW_S, "max_concurrency": MAX_CONCURRENCY, "gateways": GATEWAYS}})
    path = work / f"{name}.yaml"
    path.write_text(json.dumps(config, indent=1))  # JSON is YAML
    return path


def write_models(work: Path, server: Server) -> Path:
    path = work / "models.yaml"
    path.write_text("models:\n" + "".join(f"  - name: {m}\n    api_base: {server.url}\n    timeout_s: {TIMEOUT_S}\n"
                                          for m in MODELS))
    return path


def scheduled_ids(config: Path) -> set[str]:
    from arena.config.load import load_tournament
    from arena.schedule import episodes

    return {s.episode_id for s in episodes(load_tournament(str(config)))}


# ---- Drivers: `arena run --address` in a process group of their own, output to files. ----

def start_driver(cluster: LocalCluster, config: Path, work: Path, label: str) -> subprocess.Popen:
    with open(work / f"{label}.out", "w") as out, open(work / f"{label}.err", "w") as err:
        return subprocess.Popen([sys.executable, "-m", "arena.cli", "run", str(config), "--address", cluster.address,
                                 "--no-progress"], cwd=work, env=cluster.env, stdout=out, stderr=err,
                                start_new_session=True)


def finish_driver(proc: subprocess.Popen, work: Path, label: str, timeout: float) -> dict:
    """Wait for a driver; its exit status and what it printed of its work."""
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    err = (work / f"{label}.err").read_text()
    played = re.search(r"^played (\d+) episodes \((\d+) errors\) in ([\d.]+) s", err, re.M)
    to_play = re.search(r"^\S+: (\d+) episodes to play", err, re.M)  # its first line: what it did not find saved
    if proc.returncode != 0:
        print(f"  {label}: exit status {proc.returncode}\n{err[-2000:]}", flush=True)
    return {"rc": proc.returncode, "played": int(played[1]) if played else None,
            "errors": int(played[2]) if played else None, "seconds": float(played[3]) if played else None,
            "to_play": int(to_play[1]) if to_play else None}


# ---- The chaos loop. ----

class Chaos:
    """Faults on a running tournament: one action at a time, chosen and spaced by a seeded rng."""

    def __init__(self, cluster: LocalCluster, config: Path, work: Path, ids: set[str], seed: int):
        self.cluster, self.config, self.work, self.ids = cluster, config, work, ids
        self.root = work / "out" / config.stem
        self.rng = random.Random(seed)
        self.injected: Counter = Counter()
        self.actors_lost_with_nodes: Counter = Counter()  # the run's actors live on the head: none, expected
        self.exits: list[dict] = []  # every driver that ended by itself: label, exit status, what it played
        self.saved_at_driver_kill: int | None = None
        self.started = time.monotonic()
        self.start_driver("first")

    def start_driver(self, label: str) -> None:
        self.driver, self.driver_label = start_driver(self.cluster, self.config, self.work, label), label
        self.recorded = False  # its exit is not in `exits` yet

    def finish_driver(self, timeout: float) -> None:
        self.recorded = True
        self.exits.append({"label": self.driver_label, **finish_driver(self.driver, self.work, self.driver_label,
                                                                        timeout)})

    def left(self) -> int:
        """Scheduled episodes with no finished row yet."""
        return len(self.ids - completed(self.root))

    def keep_driving(self) -> bool:
        """A driver that ended by itself with episodes left (it crashed, or some ended as errors) is run
        again, as an operator or a resubmitted job would; False once every episode is finished."""
        if self.driver.poll() is None:
            return True
        self.finish_driver(timeout=10)
        if not self.left():
            return False
        self.say(f"the driver ended (exit status {self.driver.returncode}) with {self.left()} episodes left; "
                 "running the same command again")
        self.start_driver(f"resume-{len(self.exits)}")
        return True

    def say(self, what: str) -> None:
        print(f"  {time.monotonic() - self.started:6.1f} s  {self.saved():4d} saved  {what}", flush=True)

    def saved(self) -> int:
        """Scheduled episodes with a finished row so far: what a rerun skips (error rows it plays again)."""
        return len(self.ids & completed(self.root))

    def run(self, seconds: float) -> float:
        """Until `seconds` have passed or the tournament is over; returns the seconds it ran."""
        deadline = self.started + seconds
        driver_kill_at = self.started + self.rng.uniform(*DRIVER_KILL_AT) * seconds
        actions = {"node": self.kill_node, "gateway": self.kill_gateway, "limiter": self.kill_limiter}
        while time.monotonic() < deadline and self.keep_driving():
            kinds = sorted(actions)
            self.rng.shuffle(kinds)  # every kind once a round, in a seeded order
            for kind in kinds:
                self.pause(self.rng.uniform(*PAUSE_S), deadline)
                if time.monotonic() >= deadline or not self.keep_driving():
                    break
                if self.saved_at_driver_kill is None and time.monotonic() >= driver_kill_at and self.saved():
                    self.kill_driver()
                actions[kind]()
        return time.monotonic() - self.started

    def pause(self, seconds: float, deadline: float) -> None:
        end = min(time.monotonic() + seconds, deadline)
        while time.monotonic() < end and self.driver.poll() is None:
            time.sleep(0.1)

    def kill_node(self) -> None:
        """A worker node lost like a machine, and a new one in its place (at least one always runs)."""
        workers = [n for n in self.cluster.nodes if n is not self.cluster.head and n.proc.poll() is None]
        victim = self.rng.choice(workers)
        running = len(episode_tasks(victim))
        hosted = self.actors_on(victim)
        victim.kill()
        self.injected["node_kill"] += 1
        self.actors_lost_with_nodes.update(hosted)
        started = time.monotonic()
        fresh = self.cluster.add_worker(1)  # waits until the GCS counts the dead one out and the new one in
        self.say(f"killed node {victim.name} ({running} episode tasks, actors {hosted or 'none'} on it); "
                 f"{fresh.name} up {time.monotonic() - started:.1f} s later")

    def actors_on(self, node) -> list[str]:
        """Class names of the actors whose process belongs to `node`, those still being created included."""
        pids = {pid for pid, _ in node.processes()}
        return sorted(a["ActorClassName"] for a in self.cluster.actors() if a["State"] != "DEAD" and a["Pid"] in pids)

    def kill_actor(self, kind: str, class_name: str) -> None:
        """SIGKILL the process of one live actor of the class; Ray restarts it (gateways and limiters
        restart without end)."""
        actors = [a for a in self.cluster.actors(class_name) if a["State"] == "ALIVE"]
        if not actors:
            return
        victim = self.rng.choice(sorted(actors, key=lambda a: a["ActorID"]))
        kill_actor_process(victim)
        self.injected[f"{kind}_kill"] += 1
        self.say(f"killed the {kind} actor {victim['Name'] or victim['ActorID'][:8]} "
                 f"(its restart {victim['NumRestarts'] + 1})")

    def kill_gateway(self) -> None:
        self.kill_actor("gateway", "Gateway")

    def kill_limiter(self) -> None:
        self.kill_actor("limiter", "AccountLimiter")

    def kill_driver(self) -> None:
        """SIGKILL the driver mid-run and start the same command again: it resumes from the results folder."""
        os.killpg(self.driver.pid, signal.SIGKILL)
        self.driver.wait()
        self.injected["driver_kill"] += 1
        self.saved_at_driver_kill = self.saved()
        self.say("killed the driver; running the same command again")
        self.start_driver("rerun")

    def finish(self) -> None:
        """After the chaos: the running driver to its end, and the same command once more if episodes are left
        (a call that used up its retries, a task whose node died 4 times): what resume promises."""
        if not self.recorded:
            self.finish_driver(timeout=max(600, SECONDS))
        if self.left():
            self.say(f"{self.left()} episodes not finished; the same command once more, without faults")
            self.start_driver("final")
            self.finish_driver(timeout=max(600, SECONDS))


# ---- What the run left. ----

def disk_figures(root: Path, ids: set[str]) -> dict:
    """From the raw episode part files, not the deduplicating `load`."""
    t = raw_table(root, "episodes", ["episode_id", "status", "reason"])
    rows = [] if t is None else t.to_pylist()
    finished = Counter(r["episode_id"] for r in rows if r["status"] in DONE)
    errors = [r for r in rows if r["status"] not in DONE]
    return {
        "scheduled": len(ids), "completed": len(set(finished) & ids), "lost": len(ids - set(finished)),
        "duplicated_on_disk": sum(c - 1 for c in finished.values()),  # finished rows beyond the first
        "episode_rows_on_disk": len(rows), "error_rows_on_disk": len(errors),  # error rows: replayed later
        "error_episodes_by_reason": dict(Counter(reason_kind(r["reason"]) for r in errors).most_common()),
    }


def reason_kind(reason: str | None) -> str:
    """An error episode's reason without the call's details: up to its first colon, or its second for a
    failed task ("task failed: NodeDiedError"), whose kind is the exception that ended it."""
    parts = (reason or "").split(":")
    return ":".join(parts[:2] if parts[0] == "task failed" else parts[:1])[:80]


def loaded_figures(root: Path, ids: set[str]) -> dict:
    from arena.results import load

    episodes = load(root, moves=False).episodes
    return {"duplicated_after_load": int(episodes.episode_id.duplicated().sum()),
            "completed_after_load": int(episodes.episode_id.isin(ids).sum())}


def errors_by_class(root: Path) -> dict:
    """The moves' error_class over every play on disk, the lost ones included."""
    t = raw_table(root, "moves", ["error_class"])
    return dict(Counter(c for c in ([] if t is None else t["error_class"].to_pylist()) if c).most_common())


def rate_limit_figures(server: Server) -> dict:
    stats = server.stats(window_s=WINDOW_S)
    return {"requests": stats["total"], "requests_by_status": stats["by_status"], "rpm_limit": RPM,
            "window_s": WINDOW_S, "max_in_sliding_window": stats["max_in_sliding_window"],
            "windows_over_limit": sum(1 for w in stats["windows"] if w > RPM),
            "rate_limit_exceeded": stats["max_in_sliding_window"] > RPM,
            # Hung requests stay open at the server after the client gave up, so this may pass max_concurrency.
            "server_max_concurrent": stats["max_concurrent"], "provider_faults": stats["injected"]}


def limiter_leases(cluster: LocalCluster) -> dict | None:
    """The account limiter's own counts at the end, asked from a child driver; None if it is gone."""
    names = [a["Name"] for a in cluster.actors("AccountLimiter") if a["State"] == "ALIVE"]
    if not names:
        return None
    code = ("import json, sys, ray\n"
            "ray.init(address=sys.argv[1], log_to_driver=False, logging_level='ERROR')\n"
            "from backends.litellm.gateway import LIMITER_NAMESPACE\n"
            "print(json.dumps(ray.get(ray.get_actor(sys.argv[2], namespace=LIMITER_NAMESPACE).stats.remote())))\n")
    out = subprocess.run([sys.executable, "-c", code, cluster.address, names[0]], env=cluster.env, cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else None


def scripted_rows(root: Path) -> tuple[list[dict], list[dict]]:
    """The winning plays of the scripted-only pairings, in a fixed order, without timing columns."""
    from arena.results import load

    names = {p["name"] for p in SCRIPTED}
    r = load(root)
    episodes = r.episodes[r.episodes.players.apply(lambda seats: set(seats) <= names)]
    moves = r.moves[r.moves.play_id.isin(set(episodes.play_id))]
    episodes = episodes[EPISODE_COLUMNS].sort_values("episode_id")
    moves = moves[MOVE_COLUMNS].sort_values(["episode_id", "move_number", "seat", "attempt"])
    return plain(episodes), plain(moves)


def plain(frame) -> list[dict]:
    """Rows as plain Python values (list columns come back from parquet as arrays), comparable with ==."""
    return json.loads(frame.to_json(orient="records"))


def compare_scripted(chaos_root: Path, clean_root: Path) -> dict:
    chaos_episodes, chaos_moves = scripted_rows(chaos_root)
    clean_episodes, clean_moves = scripted_rows(clean_root)
    differing = {a["episode_id"] for a, b in zip(chaos_episodes, clean_episodes, strict=False) if a != b}
    differing |= {a["episode_id"] for a, b in zip(chaos_moves, clean_moves, strict=False) if a != b}
    return {"scripted_episodes_compared": len(clean_episodes), "scripted_moves_compared": len(clean_moves),
            "scripted_episodes_differing": len(differing),
            "scripted_identical": chaos_episodes == clean_episodes and chaos_moves == clean_moves}


# ---- The soak. ----

def soak(cluster: LocalCluster, server: Server, work: Path) -> dict:
    per_pairing = episodes_per_pairing(SECONDS)
    models_file = write_models(work, server)
    players = SCRIPTED + [{"type": "llm", "model": m} for m in MODELS]
    config = write_config(work, "chaos", players, per_pairing, models_file)
    ids, root = scheduled_ids(config), work / "out" / "chaos"
    print(f"chaos: {len(ids)} episodes ({per_pairing} per pairing), chaos for {SECONDS:.0f} s, seed {SEED}", flush=True)
    chaos = Chaos(cluster, config, work, ids, SEED)
    chaos_s = chaos.run(SECONDS)
    print(f"chaos: stopped after {chaos_s:.0f} s; the driver goes on to the end", flush=True)
    chaos.finish()
    rerun = next((e for e in chaos.exits if e["label"] == "rerun"), None)
    figures = {"seed": SEED, "chaos_seconds": round(chaos_s, 1), "episodes_per_pairing": per_pairing,
               "driver_runs": len(chaos.exits) + chaos.injected["driver_kill"],
               "driver_exits": chaos.exits, "driver_failures": sum(1 for e in chaos.exits if e["rc"] != 0),
               "saved_at_driver_kill": chaos.saved_at_driver_kill,
               "rerun_skipped": len(ids) - rerun["to_play"] if rerun and rerun["to_play"] is not None else None}
    figures.update(disk_figures(root, ids))
    figures.update(loaded_figures(root, ids))
    figures["errors_by_class"] = errors_by_class(root)
    figures.update(rate_limit_figures(server))
    figures["limiter_at_end"] = limiter_leases(cluster)
    figures["faults"] = {**dict(chaos.injected), **figures.pop("provider_faults")}
    figures["faults_total"] = sum(figures["faults"].values())
    figures["actors_lost_with_nodes"] = dict(chaos.actors_lost_with_nodes)

    print("chaos: the scripted-only pairings again, without faults ...", flush=True)
    clean = write_config(work, "clean", SCRIPTED, per_pairing, None)
    clean_run = finish_driver(start_driver(cluster, clean, work, "clean"), work, "clean", timeout=600)
    figures["clean_rc"] = clean_run["rc"]
    figures.update(compare_scripted(root, work / "out" / "clean"))
    return figures


def completed(root: Path) -> set[str]:
    from arena.results import completed_episode_ids

    return completed_episode_ids(root) if (root / "episodes").exists() else set()


def main() -> None:
    started = time.perf_counter()
    print("chaos: starting a local cluster (head 0 CPUs, two 1-CPU workers) and the faulty provider ...", flush=True)
    cluster = LocalCluster(head_cpus=0, workers=(1, 1))
    os.environ.update({k: v for k, v in cluster.env.items() if k.startswith("RAY_")})  # for the actor table
    try:
        with FaultyServer(SEED) as server, tempfile.TemporaryDirectory(prefix="chaos") as work:
            figures = soak(cluster, server, Path(work))
    finally:
        cluster.shutdown()
    figures["seconds"] = round(time.perf_counter() - started, 1)
    print(f"chaos: scheduled {figures['scheduled']}, completed {figures['completed']}, lost {figures['lost']}, "
          f"duplicated {figures['duplicated_on_disk']} on disk / {figures['duplicated_after_load']} after load; "
          f"{figures['faults_total']} faults {figures['faults']}; most requests in a {WINDOW_S:g} s window "
          f"{figures['max_in_sliding_window']} (limit {RPM}); scripted identical: {figures['scripted_identical']}",
          flush=True)
    emit(figures)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--serve":
        serve_child(int(sys.argv[2]))
    else:
        main()
