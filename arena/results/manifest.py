"""manifest.json: the tournament definition, its history, the resolved config (no secrets), versions,
timing and counts of a results folder."""

from __future__ import annotations

import platform
from datetime import datetime, timezone
from importlib import metadata

from arena.config.models import Tournament
from arena.results.definition import definition, definition_id, scrub
from arena.results.folder import MANIFEST, check_definition
from arena.results.location import ResultsDir, is_uri, shown
from arena.results.schema import SCHEMA_VERSION
from arena.results.writer import write_json_atomic

_PACKAGES = ("board-game-arena", "ray", "open_spiel", "pyarrow", "pandas", "pydantic", "litellm", "vllm")


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return found


def _shown_output_dir(config: dict) -> dict:
    if is_uri(config.get("output_dir", "")):
        config["output_dir"] = shown(config["output_dir"])  # a URI's query or user part may hold credentials
    return config


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Manifest:
    """Opening one checks the folder (format version, definition; see arena.results.folder) and
    raises ResultsMismatch before anything is written when this run must not write there."""

    NAME = MANIFEST

    def __init__(self, root: ResultsDir, tournament: Tournament, extend: bool = False):
        self.root = root
        previous, changes = check_definition(root, tournament, extend)
        previous = previous or {}
        defined = definition(tournament)
        self.definition_id = definition_id(defined)
        history = list(previous.get("history", []))
        if not history or changes:
            history.append({"at": now(), "definition_id": self.definition_id,
                            "changes": changes or ["created"], "extended": bool(changes)})
        self.data = {
            "schema_version": SCHEMA_VERSION,
            "definition_id": self.definition_id,
            "definition": defined,
            "history": history,
            "tournament": scrub(_shown_output_dir(tournament.model_dump(mode="json"))),
            "versions": _versions(),
            "host": platform.node(),  # the machine that drove this run (Ray workers may be others)
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
