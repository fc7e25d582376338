"""Models files are read once per run: a parsed file is reused while the file stays the same.

Keyed on the resolved path and the file's stat (inode, size, mtime in ns): every player's check,
the listing and the plan of one run share one read, while an edit between runs (or by a test) is
seen at once. The parsed models are frozen pydantic objects, so sharing them is safe; the cache is
per process, which is right in every Ray worker.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
_MAX = 32
_cache: dict[tuple, object] = {}


def read_once(path: str | Path, parse: Callable[[Path], T]) -> T:
    """`parse(path)`, or what it gave for this very file before. Errors are not kept."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        return parse(path)  # parse says what is wrong with the path
    key = (parse, str(path.resolve()), st.st_ino, st.st_size, st.st_mtime_ns)
    if key not in _cache:
        if len(_cache) >= _MAX:
            _cache.pop(next(iter(_cache)))
        _cache[key] = parse(path)
    return _cache[key]  # type: ignore[return-value]
