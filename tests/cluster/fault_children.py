"""Child processes of tests/cluster/test_fault_tolerance.py: drivers that die, or kill, on cue.

    python tests/cluster/fault_children.py partkill N -- run t.yaml --address ADDR --no-progress
        `arena run`, SIGKILLed by itself in the middle of publishing its N-th part: the moves file
        of that part is in place, the seats file is half written under its temporary name, the
        episodes file never comes.
    python tests/cluster/fault_children.py gateway t.yaml ADDR SERVER_BASE OUT.json
        A driver that plays the tournament and, once the account's limiter is full, kills the
        gateway actor with ray.kill(no_restart=False); writes what it saw to OUT.json.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[2]))


def partkill(n: int, argv: list[str]) -> int:
    import pyarrow.parquet as pq

    write_table, seen = pq.write_table, []

    def dying_write_table(table, where, *args, **kwargs):
        write_table(table, where, *args, **kwargs)
        if "outcome" in table.column_names:  # the seats table: after the part's moves, before its episodes
            seen.append(where)
            if len(seen) == n:
                if isinstance(where, (str, os.PathLike)):  # a path: leave it half written
                    size = os.path.getsize(where)
                    with open(where, "r+b") as f:
                        f.truncate(size // 2)
                print(f"partkill: SIGKILL while writing part {n}", file=sys.stderr, flush=True)
                os.kill(os.getpid(), signal.SIGKILL)

    pq.write_table = dying_write_table  # looked up at call time by arena.results.writer
    import cluster.driver

    cluster.driver.FLUSH_SECONDS = 1.0  # a part every second or so, so that the N-th comes mid-run
    from arena.cli import main

    return main(argv)


def gateway(config: str, address: str, server_base: str, out: str) -> int:
    import ray

    from arena.config.load import load_tournament
    from backends.plan import prepare
    from cluster.driver import run_tournament
    from cluster.run import check_player

    t = load_tournament(config, [], check_player)
    ray.init(address=address, log_to_driver=False, logging_level="WARNING")
    plan = prepare(t, use_ray=True)
    (client,) = plan.clients.values()
    (gw,) = client.gateways
    limiter = plan.actors[1]  # [ledger, the account's limiter]
    rpm = t.providers["hosted_vllm"].rpm
    seen: dict = {}

    def served() -> int:
        with urllib.request.urlopen(server_base + "/stats", timeout=10) as r:
            return json.loads(r.read())["total"]

    def killer():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the account full, every slot held by the one gateway
            stats = ray.get(limiter.stats.remote())
            if served() >= 2 * rpm and stats["in_flight"] >= rpm:
                break
            time.sleep(0.02)
        seen["before_kill"] = stats
        seen["served_before_kill"] = served()
        seen["killed_at"] = time.monotonic()
        ray.kill(gw, no_restart=False)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # until the dead gateway's leases no longer fill the account
            stats = ray.get(limiter.stats.remote())
            if stats["in_flight"] < rpm:
                seen["recovered_after_s"] = round(time.monotonic() - seen["killed_at"], 2)
                break
            time.sleep(0.02)
        seen["after_restart"] = stats
        Path(out).write_text(json.dumps({**seen, "killed_at": None}, indent=1))  # even if the run never ends

    thread = threading.Thread(target=killer, daemon=True)
    started = time.monotonic()
    thread.start()
    summary = run_tournament(t, plan, show_progress=False)
    thread.join(5)
    ended = time.monotonic()
    info = ray._private.state.actors(gw._actor_id.hex())
    seen.update(scheduled=summary.scheduled, played=summary.played, errors=summary.errors, skipped=summary.skipped,
                seconds=round(ended - started, 2),
                finished_after_kill_s=round(ended - seen["killed_at"], 2) if "killed_at" in seen else None,
                end=ray.get(limiter.stats.remote()), gateway_restarts=info.get("NumRestarts"),
                gateway_state=info.get("State"))
    seen.pop("killed_at", None)
    Path(out).write_text(json.dumps(seen, indent=1))
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "partkill":
        sys.exit(partkill(int(sys.argv[2]), sys.argv[sys.argv.index("--") + 1:]))
    sys.exit(gateway(*sys.argv[2:6]))
