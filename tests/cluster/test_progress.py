"""The progress bar moves per episode, not per shard, and shows model requests in flight."""

from __future__ import annotations

import sys

import pytest

from arena.config import Tournament
from cluster import driver, progress
from cluster.progress import EpisodeProgress, eta_seconds


def test_the_bar_hears_of_episodes_inside_a_running_shard(ray_local, tmp_path, monkeypatch):
    seen: list[tuple[int, int, int, float]] = []
    original = EpisodeProgress.show

    def record(self, done, errors, requests=0, spent_usd=0.0, settled=None):
        seen.append((done, errors, requests, spent_usd))
        original(self, done, errors, requests, spent_usd, settled)

    monkeypatch.setattr(EpisodeProgress, "show", record)
    t = Tournament.model_validate({
        "name": "bar", "output_dir": str(tmp_path), "games": [{"name": "tic_tac_toe"}],
        "players": [{"type": "random"}, {"type": "llm", "model": "simulated_slow", "backend_options": {"latency_ms": 40}}],
        "episodes_per_pairing": 24, "shard_size": 24, "episode_concurrency": 2,  # one shard, played two at a time
    })
    summary = driver.run_tournament(t, show_progress=True)
    assert summary.played == 24
    partial = sorted({done for done, *_ in seen if 0 < done < 24})
    assert len(partial) >= 3, seen  # a per-shard bar would jump from 0 to 24
    assert max(requests for *_, requests, _ in seen) >= 1  # the model's requests awaiting an answer
    assert seen[-1][0] == 24


def test_eta_uses_the_rate_after_the_first_finished_shard_not_the_slow_start():
    # Started at 0; the first shard of 10 ends at 60 s (workers starting), then 10 a second: 9 s are left.
    samples = [(0.0, 0), (60.0, 10)] + [(60.0 + i, 10 + 10 * i) for i in range(1, 31)]
    assert eta_seconds(samples, 400, now=90.0) == pytest.approx(9.0)
    assert eta_seconds(samples, 310, now=90.0) == 0.0


@pytest.mark.parametrize(("samples", "eta"), [
    ([(0.0, 0)], None),  # nothing settled yet
    ([(0.0, 0), (5.0, 10)], 45.0),  # one shard settled: the rate since the start
    ([(0.0, 0), (1.0, 10), (5.0, 50)], 5.0),  # from the first settled shard on
])
def test_eta_before_a_rate_is_known_and_right_after(samples, eta):
    assert eta_seconds(samples, 100, now=5.0) == eta


def test_a_lost_progress_actor_never_stops_the_run(ray_local, tmp_path, monkeypatch):
    import ray

    from cluster.live_counts import live_counts

    def killed():
        actor = live_counts()
        ray.kill(actor)
        return actor

    monkeypatch.setattr(driver, "live_counts", killed)
    t = Tournament.model_validate({
        "name": "lost", "output_dir": str(tmp_path), "games": [{"name": "tic_tac_toe"}],
        "players": [{"type": "random"}, {"type": "llm", "model": "simulated_slow", "backend_options": {"latency_ms": 20}}],
        "episodes_per_pairing": 8, "shard_size": 4,
    })
    summary = driver.run_tournament(t, show_progress=True)
    assert (summary.played, summary.errors) == (8, 0)


def test_without_a_terminal_the_log_line_carries_the_schedules_note(monkeypatch, capsys):
    monkeypatch.setattr(progress, "LOG_EVERY_S", 0.0)
    bar = progress.EpisodeProgress(0, enabled=True)
    assert bar.log_lines  # pytest's stderr is no terminal
    with bar:
        bar.say("schedule: round 2: 60 episodes to 3 pairings; widest ±581 Elo, target ±150")
        bar.set_total(72)
        bar.note("round 2  widest ±581 / target ±150 Elo")
        bar.show(30, 0)
    err = capsys.readouterr().err
    assert "schedule: round 2: 60 episodes" in err
    assert "episodes 30/72 (42%)" in err and "round 2  widest ±581 / target ±150 Elo" in err


def test_a_followed_job_writes_events_that_the_follower_draws_as_its_own_bar(monkeypatch, capsys):
    monkeypatch.setenv(progress.PROGRESS_EVENTS, "1")
    monkeypatch.setattr(progress, "EVENT_EVERY_S", 0.0)
    with progress.EpisodeProgress(40, enabled=True, models=True) as job_bar:
        job_bar.note("round 1")
        job_bar.show(10, 1, requests=3, spent_usd=0.25)
    print("played 40 episodes (1 errors)", file=sys.stderr)
    job_log = capsys.readouterr().err
    events = [line for line in job_log.splitlines() if line.startswith(progress.EVENT)]
    assert len(events) == 2 and '"done": 10' in events[0] and '"end": true' in events[1]

    shown = []
    monkeypatch.setattr(progress.EpisodeProgress, "show", lambda self, *figures: shown.append((self.total, *figures)))
    follower = progress.EventFollower()
    cut = len(job_log) // 2  # the log arrives in chunks that split lines anywhere
    follower.feed(job_log[:cut])
    follower.feed(job_log[cut:])
    follower.close()
    assert shown == [(40, 10, 1, 3, 0.25, 10)]
    out = capsys.readouterr().out
    assert out == "played 40 episodes (1 errors)\n"  # every other line as it was, no event line


def test_on_a_terminal_the_follower_draws_the_bar(tmp_path):
    import os
    import pty
    import subprocess

    event = progress.EVENT + '{"bar": 1.0, "total": 40, "done": 10, "errors": 1, "requests": 3, "spent_usd": 0.25, ' \
                             '"settled": 10, "models": true, "note": ""}'
    script = ("import time\nfrom cluster.progress import EventFollower\nf = EventFollower()\n"
              f"f.feed({event!r} + '\\n' + 'a job line\\n')\ntime.sleep(0.6)\nf.close()\n")
    leader, follower_tty = pty.openpty()
    child = subprocess.Popen([sys.executable, "-c", script], stdout=follower_tty, stderr=follower_tty,
                             env={**os.environ, "COLUMNS": "160", "TERM": "xterm"})
    os.close(follower_tty)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed its side
            break
        if not chunk:
            break
        seen += chunk
    child.wait(timeout=30)
    text = seen.decode(errors="replace")
    assert "a job line" in text and "10/40" in text and "requests: 3" in text, text


def test_the_jobs_end_event_closes_the_followers_bar(monkeypatch):
    monkeypatch.setattr(progress.EpisodeProgress, "show", lambda self, *figures: None)
    follower = progress.EventFollower()
    follower.feed(progress.EVENT + '{"bar": 1.0, "total": 4, "done": 4, "errors": 0, "requests": 0, "spent_usd": 0, '
                                   '"settled": 4, "models": false, "note": ""}\n')
    assert follower.bar is not None
    follower.feed(progress.EVENT + '{"bar": 1.0, "end": true}\n')
    assert follower.bar is None  # the job's summary and leaderboard then print below no bar
