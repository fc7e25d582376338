"""Where a run's log records go: the file always; the terminal only for the project's own warnings (or all, verbose)."""

from __future__ import annotations

import logging
import warnings

from cluster.run_log import RunLog


def test_library_records_go_to_the_file_and_the_projects_warnings_to_the_terminal_too(tmp_path, capsys):
    logging.getLogger("vllm").addHandler(logging.StreamHandler())  # as libraries do on import
    run_log = RunLog(tmp_path / "arena.log")
    try:
        logging.getLogger("ray.serve").warning("Failed to get queue length")
        logging.getLogger("vllm.platforms").warning("Triton is not installed")
        logging.getLogger("cluster.driver").info("demo: 4 scheduled")
        logging.getLogger("cluster.driver").warning("a shard of 4 episodes failed after Ray's retries")
        warnings.warn("a library's deprecation", DeprecationWarning, stacklevel=1)
    finally:
        run_log.close()
    err = capsys.readouterr().err
    assert err == "warning: a shard of 4 episodes failed after Ray's retries\n"
    text = (tmp_path / "arena.log").read_text()
    for line in ("Failed to get queue length", "Triton is not installed", "demo: 4 scheduled", "a shard of 4",
                 "a library's deprecation"):
        assert line in text


def test_verbose_shows_every_record_live(tmp_path, capsys):
    run_log = RunLog(tmp_path / "arena.log", verbose=True)
    try:
        logging.getLogger("ray.serve").warning("Failed to get queue length")
    finally:
        run_log.close()
    assert "ray.serve: Failed to get queue length" in capsys.readouterr().err


def test_worker_lines_streamed_by_ray_go_to_the_file(tmp_path):
    run_log = RunLog(tmp_path / "arena.log")
    try:
        run_log._write_worker_lines({"pid": 7, "task_name": "play_shard_task", "lines": ["Triton is installed"]})
    finally:
        run_log.close()
    assert "(play_shard_task pid=7) Triton is installed" in (tmp_path / "arena.log").read_text()
