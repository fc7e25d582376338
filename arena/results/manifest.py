"""manifest.json: the resolved config (no secrets), versions, timing and counts of a results folder."""

from __future__ import annotations

import json
import platform
import re
from datetime import datetime, timezone
from importlib import metadata
from arena.config.models import Tournament
from arena.results.schema import SCHEMA_VERSION
from arena.results.location import ResultsDir, is_uri, shown
from arena.results.writer import write_json_atomic

_PACKAGES = ("board-game-arena", "ray", "open_spiel", "pyarrow", "pandas", "pydantic", "litellm", "vllm")
_SECRET = re.compile(r"(key|token|secret|password|authorization)", re.I)


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return found


def _scrub(value):
    """Drop any config entry whose key looks like a credential, wherever it is nested."""
    if isinstance(value, dict):
        return {k: ("<redacted>" if _SECRET.search(k) else _scrub(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _shown_output_dir(config: dict) -> dict:
    if is_uri(config.get("output_dir", "")):
        config["output_dir"] = shown(config["output_dir"])  # a URI's query or user part may hold credentials
    return config


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Manifest:
    NAME = "manifest.json"

    def __init__(self, root: ResultsDir, tournament: Tournament):
        self.root = root
        previous = json.loads(root.read_text(self.NAME) or "{}")
        self.data = {
            "schema_version": SCHEMA_VERSION,
            "tournament": _scrub(_shown_output_dir(tournament.model_dump(mode="json"))),
            "versions": _versions(),
            "first_started_at": previous.get("first_started_at", now()),
            "started_at": now(),
            "finished_at": None,
            "status": "running",
            "runs": previous.get("runs", 0) + 1,
            "counts": {},
        }

    def save(self, status: str | None = None, **counts) -> None:
        if status:
            self.data["status"] = status
            if status != "running":
                self.data["finished_at"] = now()
        self.data["counts"].update(counts)
        write_json_atomic(self.root, self.NAME, self.data)
