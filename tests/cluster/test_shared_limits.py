"""Two tournaments at once on one cluster, against the same provider account: the account's per-window
limit holds for both together, because its limiter is one detached actor per account on the cluster."""

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "backends"))
from multinode import ROOT, LocalCluster  # noqa: E402
from openai_server import start_server  # noqa: E402

WINDOW_S, RPM = 1.0, 10


def test_two_runs_on_one_account_share_its_limit(tmp_path):
    cluster = LocalCluster(head_cpus=0, workers=(1, 1))
    try:
        with start_server(latency_ms=20) as server:
            (tmp_path / "models.yaml").write_text(
                f"models:\n  - name: litellm_hosted_vllm/test-model\n    api_base: {server.url}\n")
            drivers = []
            for name in ("first", "second"):
                (tmp_path / f"{name}.yaml").write_text(f"""
name: {name}
output_dir: out
litellm_models: models.yaml
games: [{{name: tic_tac_toe}}]
players: [{{type: llm, model: litellm_hosted_vllm/test-model, on_illegal: random}}, {{type: random}}]
episodes_per_pairing: 16
shard_size: 4
providers: {{hosted_vllm: {{rpm: {RPM}, window_s: {WINDOW_S}}}}}
""")
                drivers.append(subprocess.Popen(
                    [sys.executable, "-m", "arena.cli", "run", f"{name}.yaml", "--address", cluster.address,
                     "--no-progress"], cwd=tmp_path, env=cluster.env | {"PYTHONPATH": str(ROOT)},
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
            outputs = [d.communicate(timeout=300) for d in drivers]
            for d, (_out, err) in zip(drivers, outputs, strict=True):
                assert d.returncode == 0, err[-2000:]
                assert "played 16 episodes (0 errors)" in err
            seen = server.stats(window_s=WINDOW_S)
            both = seen["total"]
            print(f"[shared limits] two runs, {both} requests, most in any {WINDOW_S} s: "
                  f"{seen['max_in_sliding_window']} (limit {RPM})")
            assert both > 3 * RPM  # enough demand that two separate limiters would have let through 2 x RPM
            assert seen["max_in_sliding_window"] <= RPM, seen["windows"]
    finally:
        cluster.shutdown()


def test_a_restarted_account_limiter_holds_requests_for_a_window(ray_local):
    """The window lives in the limiter actor's memory; a restart must not let a fresh `rpm` through at once
    on top of what the provider saw in the window before."""
    import time

    import ray

    from backends.litellm.gateway import LimiterActor

    window_s, rpm = 3.0, 3
    limiter = LimiterActor.remote(rpm, None, None, window_s)
    for _ in range(rpm):  # the window is full
        ray.get(limiter.release.remote(ray.get(limiter.acquire.remote())))
    killed = time.monotonic()
    ray.kill(limiter, no_restart=False)  # its process dies; Ray starts it again
    ray.get(limiter.stats.remote(), timeout=60)  # back
    back = time.monotonic()
    ray.get(limiter.acquire.remote(), timeout=60)
    print(f"[limiter restart] back {back - killed:.2f} s after the kill; the first request started "
          f"{time.monotonic() - killed:.2f} s after it (window {window_s} s)")
    assert time.monotonic() - killed >= window_s * 0.95
    ray.kill(limiter)
