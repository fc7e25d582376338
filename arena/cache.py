"""Answers kept in the user's cache folder between commands (the games catalog, LiteLLM's facts about
models): JSON files under ~/.cache/board-game-arena/ (or $XDG_CACHE_HOME), each named by what its answer
depends on. A read-only or missing home only means the answer is worked out again."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def cache_file(name: str) -> Path | None:
    """Where the answer called `name` is kept; None without a home folder to keep it in."""
    root = Path(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"))
    return root / "board-game-arena" / name if root.is_absolute() else None


def read_json(path: Path | None) -> Any:
    """The kept answer, or None when there is none (or not one that reads)."""
    try:
        return json.loads(path.read_text()) if path is not None else None
    except (OSError, ValueError):
        return None


def write_json(path: Path | None, value: Any, replaces: str | None = None) -> None:
    """Keep `value` at `path`, whole or not at all for a reader in another process; `replaces`: a glob of
    the older answers it supersedes (those of code or libraries now gone), removed first."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(replaces) if replaces else []:
            old.unlink(missing_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}")
        partial.write_text(json.dumps(value))
        os.replace(partial, path)
    except OSError:  # a read-only home: worked out again next time
        pass
