"""One provider account's limits: requests in flight, requests and tokens per sliding window.

Written here rather than taken from a library: `limits` and `aiolimiter` offer either
whole-second windows or a leaky bucket that lets 2x the rate through a window right
after a burst, and neither can correct a token charge once the real count is known.
A sliding log of (time, tokens) per request is exact and short.

In a cluster this class runs as one named Ray actor per account (see gateway.py), so
the limit is shared by every gateway actor on every node.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque


class Limiter:
    def __init__(self, rpm: int | None = None, tpm: int | None = None, max_concurrency: int | None = None,
                 window_s: float = 60.0, lease_s: float = 900.0, clock=time.monotonic):
        self.rpm, self.tpm, self.max_concurrency = rpm, tpm, max_concurrency
        self.window_s, self.lease_s, self.clock = window_s, lease_s, clock
        self._log: deque[list] = deque()  # [time, tokens, lease] per request in the window
        self._leases: dict[int, list | float] = {}  # lease -> log entry (or deadline when not logged)
        self._deadlines: dict[int, float] = {}
        self._ids = itertools.count()
        self._changed = asyncio.Condition()
        self.waited_s = 0.0

    def _expire(self, now: float) -> None:
        while self._log and self._log[0][0] <= now - self.window_s:
            self._log.popleft()
        for lease in [k for k, d in self._deadlines.items() if d <= now]:  # holder died without releasing
            self._deadlines.pop(lease)
            self._leases.pop(lease, None)

    def _wait_needed(self, tokens: int, now: float) -> float:
        """0 when a request of `tokens` may start now, else seconds until that may change."""
        waits = []
        if self.max_concurrency and len(self._deadlines) >= self.max_concurrency:
            waits.append(min(self._deadlines.values()) - now)
        if self.rpm and len(self._log) >= self.rpm:
            waits.append(self._log[len(self._log) - self.rpm][0] + self.window_s - now)
        if self.tpm:
            used, need = sum(e[1] for e in self._log), min(tokens, self.tpm)
            if used + need > self.tpm:
                freed, at = 0, now
                for entry in self._log:
                    freed, at = freed + entry[1], entry[0] + self.window_s
                    if used - freed + need <= self.tpm:
                        break
                waits.append(at - now)
        return max(waits, default=0.0)

    async def acquire(self, tokens: int = 0) -> int:
        """Wait until the request may start; returns a lease to release when it ends."""
        started = self.clock()
        async with self._changed:
            while True:
                now = self.clock()
                self._expire(now)
                wait = self._wait_needed(tokens, now)
                if wait <= 0:
                    break
                try:  # woken early by a release, or when the window moves on
                    await asyncio.wait_for(self._changed.wait(), timeout=max(wait, 0.001))
                except asyncio.TimeoutError:
                    pass
            lease = next(self._ids)
            entry = [now, min(tokens, self.tpm) if self.tpm else tokens, lease]
            self._log.append(entry)
            self._leases[lease] = entry
            self._deadlines[lease] = now + self.lease_s
        self.waited_s += self.clock() - started
        return lease

    async def release(self, lease: int, tokens: int | None = None) -> None:
        """End a request; `tokens` replaces the up-front estimate with the real count."""
        async with self._changed:
            entry = self._leases.pop(lease, None)
            self._deadlines.pop(lease, None)
            if entry is not None and tokens is not None:
                entry[1] = min(tokens, self.tpm) if self.tpm else tokens
            self._changed.notify_all()

    def stats(self) -> dict:
        return {"in_flight": len(self._deadlines), "in_window": len(self._log), "waited_s": round(self.waited_s, 3)}
