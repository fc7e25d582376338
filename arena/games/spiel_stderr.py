"""Keep OpenSpiel's copy of an error off the terminal.

Before pyspiel raises a SpielError, OpenSpiel's C++ code writes the same message to the C
stderr as 'OpenSpiel exception: <message>'. Where the arena reports the error in a line of its
own (a bad game parameter), or expects it (a move name that does not exist in this position),
that raw copy would come first, or by the thousand. Python's sys.stderr cannot catch it: it is
written to file descriptor 2 directly.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

_ECHO = "OpenSpiel exception: {}\n"
# File descriptor 2 belongs to the whole process: two threads swapping it at once could leave
# it pointing at a closed temporary file for good.
_LOCK = threading.RLock()


@dataclass
class Handled:
    """The errors whose printed copies are dropped; anything else written meanwhile is kept."""

    messages: list[str] = field(default_factory=list)

    def handled(self, error: BaseException) -> None:
        """`error` was dealt with (reported in other words, or expected): drop its printed copy."""
        self.messages.append(str(error))


def _without_echoes(text: str, messages: list[str]) -> str:
    """`text` less one printed copy of each message, matched in the order they were raised."""
    kept, start = [], 0
    for message in messages:
        echo = _ECHO.format(message)
        at = text.find(echo, start)
        if at >= 0:
            kept.append(text[start:at])
            start = at + len(echo)
    kept.append(text[start:])
    return "".join(kept)


@contextmanager
def openspiel_quiet(keep_other_output: bool = True) -> Iterator[Handled]:
    """Route the C stderr to a temporary file while the block runs; afterwards write back all of it
    except OpenSpiel's copies of the errors the block handled (`Handled.handled`) or raised, or
    nothing at all without `keep_other_output`."""
    quiet = Handled()
    with _LOCK, tempfile.TemporaryFile() as captured:
        if sys.stderr:
            sys.stderr.flush()
        try:
            saved = os.dup(2)
        except OSError:  # no stderr at all: nothing to keep quiet
            yield quiet
            return
        os.dup2(captured.fileno(), 2)
        try:
            yield quiet
        except BaseException as e:
            quiet.handled(e)
            raise
        finally:
            if sys.stderr:
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            text = captured.read().decode(errors="replace")
            rest = _without_echoes(text, quiet.messages) if text and keep_other_output else ""
            if rest:
                os.write(2, rest.encode())
