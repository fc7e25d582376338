"""The driver on a real embedded Ray: fan-out, Parquet, resume, errors that do not stop the run."""

from arena.config import Tournament
from arena.report.counts import player_counts as leaderboard
from arena.results import load
from arena.schedule import count, episodes
from cluster.driver import _failed_shard_rows, run_tournament


def tournament(tmp_path, **kw):
    base = {
        "name": "drv", "output_dir": str(tmp_path) if tmp_path else "results", "games": [{"name": "tic_tac_toe"}, {"name": "kuhn_poker"}],
        "players": [{"type": "random"}, {"type": "mcts", "simulations": 5},
                    {"type": "llm", "model": "simulated_fast", "on_illegal": "random",
                     "backend_options": {"illegal_rate": 0.3}}],
        "episodes_per_pairing": 4, "shard_size": 5,
    }
    return Tournament.model_validate({**base, **kw})


def test_round_robin_writes_every_episode_once(ray_local, tmp_path):
    t = tournament(tmp_path)
    summary = run_tournament(t, show_progress=False)
    assert (summary.played, summary.errors, summary.skipped) == (count(t), 0, 0)
    r = load(summary.root)
    assert len(r.episodes) == count(t) == r.episodes.episode_id.nunique()
    assert set(r.episodes.status) == {"ok"}
    assert len(r.seats) == 2 * count(t)
    board = leaderboard(r.seats).set_index("player")
    assert set(board.games) == {2 * 2 * 4}
    llm = r.moves[r.moves.player == "simulated_fast"]
    assert (~llm.legal).sum() == board.loc["simulated_fast", "illegal_attempts"] > 0
    assert (llm.fallback == "random").sum() == board.loc["simulated_fast", "random_fallbacks"]
    asked = llm[llm.fallback.isna()]
    assert asked.prompt.str.len().min() > 0 and asked.error_class.isna().all()
    assert llm[llm.fallback == "random"].prompt.isna().all()


def test_rerun_plays_only_missing_episodes(ray_local, tmp_path):
    first = run_tournament(tournament(tmp_path, episodes_per_pairing=2), show_progress=False)
    again = run_tournament(tournament(tmp_path, episodes_per_pairing=2), show_progress=False)
    assert (again.played, again.skipped) == (0, first.played)
    bigger = run_tournament(tournament(tmp_path, episodes_per_pairing=4), show_progress=False, extend=True)
    assert (bigger.played, bigger.skipped) == (first.played, first.played)
    r = load(first.root)
    assert len(r.episodes) == 2 * first.played == r.episodes.episode_id.nunique()


def test_an_episode_that_raises_is_recorded_and_the_rest_go_on(ray_local, tmp_path):
    t = tournament(tmp_path, players=[
        {"type": "random"}, {"type": "mcts", "simulations": 5},
        {"type": "llm", "model": "simulated_broken", "backend_options": {"no_such_option": 1}}])
    summary = run_tournament(t, show_progress=False)
    r = load(summary.root)
    broken = r.episodes[r.episodes.players.apply(lambda p: "simulated_broken" in list(p))]
    assert summary.errors == len(broken) == 2 * 2 * 4
    assert set(broken.status) == {"error"} and broken.reason.str.contains("no_such_option").all()
    assert set(r.episodes.drop(broken.index).status) == {"ok"}
    board = leaderboard(r.seats).set_index("player")
    assert board.loc["simulated_broken", "errors"] == 16 and board.loc["simulated_broken", "games"] == 0


def test_a_task_lost_for_good_still_leaves_error_rows(tmp_path):
    t = tournament(tmp_path)
    shard = list(episodes(t))[:3]
    tables = _failed_shard_rows(t, shard, RuntimeError("node died\nmore"))
    assert tables["episodes"].num_rows == 3 and tables["seats"].num_rows == 6
    assert set(tables["episodes"]["reason"].to_pylist()) == {"task failed: RuntimeError: node died"}


def test_results_on_an_object_store_resume_like_local_ones(ray_local):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "arena" / "results"))
    from s3_server import s3_bucket

    with s3_bucket() as uri:
        t = tournament(None, output_dir=uri, episodes_per_pairing=2)
        first = run_tournament(t, show_progress=False)
        assert first.root == "s3://arena-results/results/drv" and first.played == count(t)
        again = run_tournament(t, show_progress=False)
        assert (again.played, again.skipped) == (0, count(t))
        r = load(f"s3://arena-results/results/drv?{uri.split('?')[1]}")
        assert len(r.episodes) == count(t) == r.episodes.episode_id.nunique()


def test_an_interrupt_during_a_write_counts_every_episode_it_saved(ray_local, tmp_path, monkeypatch):
    # The stop signal is held back while a part is written and arrives right after it: the episodes
    # of that shard are saved, so the manifest's count must include them too.
    import json
    import os
    import signal

    from cluster import driver

    monkeypatch.setattr(driver, "FLUSH_EPISODES", 1)  # every shard is written as soon as it is in
    written = driver.write_parts

    def write_then_stop(root, tables):
        part = written(root, tables)
        os.kill(os.getpid(), signal.SIGINT)  # delivered when the write's signal block ends
        return part

    monkeypatch.setattr(driver, "write_parts", write_then_stop)
    summary = run_tournament(tournament(tmp_path, episodes_per_pairing=2), show_progress=False)
    assert summary.interrupted
    saved = load(summary.root).episodes
    manifest = json.loads((summary.root / "manifest.json").read_text())
    assert summary.played == len(saved) == manifest["counts"]["played"] > 0
