"""`arena run` with litellm_* players over real HTTP: two providers, limits under Ray, faults,
a model with a bad key, budgets, and no key anywhere in what the run leaves behind."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parents[1] / "backends"))
from openai_server import start_server  # noqa: E402

ROOT = Path(__file__).parents[2]
ARENA = [sys.executable, "-m", "arena.cli"]
PLANTED = "sk-planted-SECRET-key-4242424242"


def run_arena(tmp_path, config: str, models: str, **env):
    (tmp_path / "t.yaml").write_text(config)
    (tmp_path / "models.yaml").write_text(models)
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    ray_tmpdir = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short: Ray's socket paths must fit in 107 bytes
    full_env.update(RAY_AUTH_MODE="disabled", COLUMNS="200", PYTHONPATH=str(ROOT), RAY_TMPDIR=ray_tmpdir, **env)
    done = subprocess.run([*ARENA, "run", str(tmp_path / "t.yaml"), "--no-progress"], cwd=tmp_path, env=full_env,
                          capture_output=True, text=True, timeout=300)
    done.ray_tmpdir = ray_tmpdir
    return done


def table(root: Path, name: str) -> pd.DataFrame:
    return pd.concat([pq.read_table(f).to_pandas() for f in sorted((root / name).glob("part-*.parquet"))])


def test_two_providers_limits_faults_and_a_planted_key(tmp_path):
    window, limit = 2.0, 6
    with start_server(latency_ms=30, fail_rate=0.1, fail_status=500, wrong_answer_rate=0.1,
                      require_api_key=PLANTED, seed=1) as a, start_server(latency_ms=10, seed=2) as b:
        models = (f"models:\n  - name: litellm_openai/test-model\n    api_base: {a.url}\n    api_key_env: ARENA_A_KEY\n"
                  f"  - name: litellm_hosted_vllm/test-model\n    api_base: {b.url}\n"
                  "    input_cost_per_token: 0.000001\n    output_cost_per_token: 0.000002\n")
        config = f"""
name: lt
output_dir: out
litellm_models: models.yaml
games: [{{name: tic_tac_toe}}, {{name: kuhn_poker}}]
players:
  - {{type: llm, model: litellm_openai/test-model, on_illegal: random}}
  - {{type: llm, model: litellm_hosted_vllm/test-model}}
  - {{type: random}}
  - {{type: mcts, simulations: 10}}
episodes_per_pairing: 2
shard_size: 2
providers:
  openai: {{rpm: {limit}, window_s: {window}, gateways: 2}}
"""
        done = run_arena(tmp_path, config, models, ARENA_A_KEY=PLANTED)
        assert done.returncode == 0, done.stderr
        seen = a.stats(window_s=window)
        assert seen["max_in_sliding_window"] <= limit, seen["windows"]
        assert seen["by_status"].get("401") is None  # the key reached the server, through Ray, unseen
        assert seen["by_status"].get("500", 0) > 0  # faults happened and were retried
        assert b.stats()["total"] > 0

    root = tmp_path / "out" / "lt"
    episodes, seats, moves = table(root, "episodes"), table(root, "seats"), table(root, "moves")
    assert len(episodes) == 2 * 6 * 2 and set(episodes.status) <= {"ok", "forfeit", "error"}
    # Four injected 500s in a row on one call (1 in 10,000 calls at fail_rate 0.1) use up its retries: that
    # episode is an error naming them, and nothing else may be.
    exhausted = episodes[episodes.status == "error"]
    assert len(exhausted) <= 1 and exhausted.reason.str.contains("Injected error 500").all(), exhausted.reason
    asked = moves[moves.player.str.startswith("litellm_") & moves.fallback.isna() & ~moves.play_id.isin(exhausted.play_id)]
    assert (asked.prompt_tokens > 0).all() and (asked.latency_s > 0).all()
    assert asked.error_class.isna().all()  # 500s were retried inside the backend, never reaching a move
    assert (~asked.legal).sum() > 0  # wrong answers became illegal attempts
    b_seats = seats[seats.player == "litellm_hosted_vllm/test-model"]
    assert b_seats.cost_usd.sum() > 0 and (b_seats.prompt_tokens > 0).all()

    # Every file the run left (results, manifest, Ray's session logs of driver, tasks and actors)
    # and everything it printed.
    ray_logs = list(Path(done.ray_tmpdir).rglob("*.log")) + list(Path(done.ray_tmpdir).rglob("*.out")) \
        + list(Path(done.ray_tmpdir).rglob("*.err"))
    assert len(ray_logs) > 3
    scanned = [p for p in [*tmp_path.rglob("*"), *Path(done.ray_tmpdir).rglob("*")] if p.is_file()]
    leaked = [str(p) for p in scanned if PLANTED.encode() in p.read_bytes()]
    assert leaked == [], leaked
    assert PLANTED not in done.stdout + done.stderr
    shutil.rmtree(done.ray_tmpdir, ignore_errors=True)


def test_bad_key_benches_one_model_and_budget_skips_another(tmp_path):
    with start_server(require_api_key="sk-the-right-one-000000") as a, start_server() as b:
        models = (f"models:\n  - name: litellm_openai/test-model\n    api_base: {a.url}\n    api_key_env: ARENA_A_KEY\n"
                  f"  - name: litellm_hosted_vllm/test-model\n    api_base: {b.url}\n"
                  "    input_cost_per_token: 0.0001\n    budget_usd: 0.6\n")
        config = """
name: bad
output_dir: out
litellm_models: models.yaml
games: [{name: tic_tac_toe}]
players:
  - {type: llm, model: litellm_openai/test-model}
  - {type: llm, model: litellm_hosted_vllm/test-model}
  - {type: random}
episodes_per_pairing: 10
shard_size: 3
"""
        done = run_arena(tmp_path, config, models, ARENA_A_KEY="sk-wrong-one-111111111")
        assert done.returncode == 0, done.stderr
        # Benched after the first failures: at most the calls already in flight (2 tasks x 3 episodes)
        # plus one per gateway, never one per episode (40 of them involve this model).
        assert a.stats()["by_status"]["401"] <= 8
    assert done.stderr.count("litellm_openai/test-model could not play: authentication failed: check ARENA_A_KEY") == 1
    root = tmp_path / "out" / "bad"
    episodes = table(root, "episodes")
    a_eps = episodes[episodes.players.apply(lambda p: "litellm_openai/test-model" in list(p) and "random" in list(p))]
    assert set(a_eps.status) == {"error"} and a_eps.reason.str.contains("ARENA_A_KEY").all()
    both = episodes[episodes.players.apply(lambda p: "random" not in list(p))]
    assert set(both.status) <= {"error", "skipped"}  # whichever of the two models was asked first
    b_only = episodes[episodes.players.apply(lambda p: list(p) in (["litellm_hosted_vllm/test-model", "random"],
                                                                  ["random", "litellm_hosted_vllm/test-model"]))]
    assert "skipped" in set(b_only.status) and "ok" in set(b_only.status)  # the budget ran out part-way
    assert b_only[b_only.status == "skipped"].reason.str.startswith("budget:").all()
    assert "sk-wrong-one" not in done.stdout + done.stderr
    assert "skipped" in done.stdout  # the leaderboard shows skipped episodes and spend
    shutil.rmtree(done.ray_tmpdir, ignore_errors=True)


def test_missing_key_stops_the_run_before_it_starts(tmp_path):
    config = """
name: nokey
output_dir: out
litellm_models: models.yaml
games: [{name: tic_tac_toe}]
players: [{type: llm, model: litellm_groq/llama3-8b-8192}, {type: random}]
"""
    done = run_arena(tmp_path, config, "models:\n  - litellm_groq/llama3-8b-8192\n", GROQ_API_KEY="")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: players.0.model: model 'litellm_groq/llama3-8b-8192' needs the API key in GROQ_API_KEY; "
        "set it in the environment or in ./.env"]
    assert not (tmp_path / "out").exists()


def test_an_adaptive_schedule_stops_on_its_budget_and_on_a_round_without_results(tmp_path):
    with start_server(require_api_key="sk-the-right-one-000000") as locked, start_server() as priced:
        models = (f"models:\n  - name: litellm_openai/test-model\n    api_base: {locked.url}\n    api_key_env: ARENA_A_KEY\n"
                  f"  - name: litellm_hosted_vllm/test-model\n    api_base: {priced.url}\n"
                  "    input_cost_per_token: 0.0001\n")
        schedule = "schedule: {mode: adaptive, target_ci: 10, batch_episodes: 20, min_per_pairing: 4, budget_usd: 0.5}\n"
        paid = run_arena(tmp_path, "name: paid\noutput_dir: out\nlitellm_models: models.yaml\ngames: [{name: tic_tac_toe}]\n"
                         "players: [{type: llm, model: litellm_hosted_vllm/test-model}, {type: random}, "
                         "{type: mcts, simulations: 5}]\n" + schedule, models, ARENA_A_KEY="sk-wrong-one-111111111")
        assert paid.returncode == 0, paid.stderr
        assert "schedule: stopped: schedule.budget_usd ($0.5) spent" in paid.stderr
        spent = table(tmp_path / "out" / "paid", "seats").cost_usd.sum()
        assert 0.5 <= spent < 0.5 + 0.5  # the round under way finishes: at most a round's spend over
        broken = run_arena(tmp_path, "name: broken\noutput_dir: out\nlitellm_models: models.yaml\n"
                           "games: [{name: tic_tac_toe}]\n"
                           "players: [{type: llm, model: litellm_openai/test-model}, {type: random}]\n" + schedule,
                           models, ARENA_A_KEY="sk-wrong-one-111111111")
        assert broken.returncode == 0, broken.stderr
        assert "schedule: stopped: a whole round gave no result" in broken.stderr
        assert len(table(tmp_path / "out" / "broken", "episodes")) == 4  # one round, not one after another
    shutil.rmtree(paid.ray_tmpdir, ignore_errors=True)
    shutil.rmtree(broken.ray_tmpdir, ignore_errors=True)
