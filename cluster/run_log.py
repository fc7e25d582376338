"""Where a run's logs go: everything Ray, Serve and vLLM log (driver and workers) into one file
in the results folder, so the terminal shows only the run's own lines; `--verbose` shows them live too.

Three sources reach a terminal otherwise: Python loggers of the driver (ray, ray.serve, vllm and
the handlers their imports install, some of them JSON-formatted), Python warnings, and the worker
lines Ray streams to the driver (log_to_driver). Each is routed here, once per run.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import tempfile
import warnings
from pathlib import Path
from typing import TextIO

LOG_NAME = "arena.log"
OWN_PACKAGES = frozenset({"arena", "backends", "cluster"})
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_DISPATCH_HANDLER = "arena_run_log"


class RunLog:
    """One run's log file and whether its lines are also shown live (verbose)."""

    def __init__(self, path: Path, verbose: bool = False, level: str = "INFO"):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.verbose = path, verbose
        self.level = logging.DEBUG if level == "DEBUG" else logging.INFO
        self._file: TextIO = open(path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 - open for the run
        self._handler = logging.StreamHandler(self._file)
        self._handler.setFormatter(logging.Formatter(FORMAT))
        self._live = logging.StreamHandler(sys.stderr)
        self._live.setFormatter(logging.Formatter(FORMAT))
        # The project's own warnings are problems the user should see (a shard lost after Ray's retries):
        # on the terminal too, in one plain line.
        self._own = logging.StreamHandler(sys.stderr)
        self._own.setLevel(logging.WARNING)
        self._own.setFormatter(logging.Formatter("warning: %(message)s"))
        self._own.addFilter(lambda record: record.name.split(".")[0] in OWN_PACKAGES)
        self.claim_loggers()
        logging.captureWarnings(True)
        warnings.simplefilter("default")

    def claim_loggers(self) -> None:
        """Send every logger's records to the file (and live when verbose). Libraries install their own
        handlers as they are imported (Ray at ray.init, Ray Serve LLM and vLLM later), so this runs
        again after each of those steps."""
        root = logging.getLogger()
        for handler in list(root.handlers):
            if handler not in (self._handler, self._live, self._own):
                root.removeHandler(handler)
        root.addHandler(self._handler)
        root.addHandler(self._live if self.verbose else self._own)
        root.setLevel(self.level)
        for logger in list(logging.Logger.manager.loggerDict.values()):
            if not isinstance(logger, logging.Logger):
                continue
            for handler in list(logger.handlers):
                if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
                    logger.removeHandler(handler)
            logger.propagate = True

    @contextlib.contextmanager
    def capture(self):
        """Imports that log as they happen (Ray Serve LLM resets the root logger to a JSON handler on
        stderr, then vLLM reports its kernels) write into the file: handlers made meanwhile bind to it."""
        if self.verbose:
            yield
        else:
            with contextlib.redirect_stderr(self._file), contextlib.redirect_stdout(self._file):
                yield
        self.claim_loggers()

    def claim_worker_lines(self) -> None:
        """Worker lines Ray streams to the driver go to the file; Ray prints them only when verbose.
        Needs ray.init(log_to_driver=True); without Ray's dispatcher the lines stay in Ray's own logs."""
        try:
            from ray._private.ray_logging import global_worker_stdstream_dispatcher as dispatcher
        except ImportError:  # a Ray without it: its worker lines stay in its session folder
            return
        if not self.verbose:
            dispatcher.remove_handler("ray_print_logs")
        dispatcher.remove_handler(_DISPATCH_HANDLER)
        dispatcher.add_handler(_DISPATCH_HANDLER, self._write_worker_lines)

    def _write_worker_lines(self, data: dict) -> None:
        name = data.get("actor_name") or data.get("task_name") or "worker"
        prefix = f"({name} pid={data.get('pid')}) "
        try:
            self._file.write("".join(f"{prefix}{line}\n" for line in data.get("lines", [])))
        except ValueError:  # closed at the end of the run while Ray's log thread still delivers
            pass

    def close(self) -> None:
        try:
            from ray._private.ray_logging import global_worker_stdstream_dispatcher as dispatcher

            dispatcher.remove_handler(_DISPATCH_HANDLER)
        except ImportError:
            pass
        for handler in (self._handler, self._live, self._own):
            logging.getLogger().removeHandler(handler)
        logging.captureWarnings(False)
        self._handler.close()
        self._file.close()


def log_path(local_results: Path | None, name: str) -> Path:
    """arena.log in the results folder; for a results folder on an object store, a local file."""
    if local_results is not None:
        return local_results / LOG_NAME
    return Path(tempfile.gettempdir()) / f"arena-{name}.log"
