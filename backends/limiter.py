"""One provider account's limits: requests in flight, requests and tokens per sliding window.

A request counts against the window from the moment it may start until `window_s`
after it *ended*: the provider sees it arrive somewhere in between, so counting from
the start alone lets two requests that left `window_s` apart arrive closer than that.
Counted this way, no window of the provider's ever holds more than `rpm` requests.

Written here rather than taken from a library: `limits` and `aiolimiter` offer either
whole-second windows or a leaky bucket that lets 2x the rate through a window right
after a burst, and neither can hold a request until it ends or correct a token charge
once the real count is known.

In a cluster this class runs as one named Ray actor per account (see litellm/gateway.py), so
the limit is shared by every gateway actor on every node. A gateway that dies holding
leases cannot release them; each gateway is therefore a named *holder*: on every
(re)start it calls `reset_holder`, which ends the leases of its previous life at once
(not `lease_s` later) and makes any acquire still pending from that life fail. The window itself
lives in the actor's memory: a limiter that restarts cannot know what was sent in the window before,
so it calls `hold_for_window` and lets nothing start until a whole window has passed.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque


class StaleHolder(RuntimeError):
    """An acquire from a holder's previous life, made after that holder restarted."""


class Limiter:
    def __init__(self, rpm: int | None = None, tpm: int | None = None, max_concurrency: int | None = None,
                 window_s: float = 60.0, lease_s: float = 900.0, clock=time.monotonic):
        self.rpm, self.tpm, self.max_concurrency = rpm, tpm, max_concurrency
        self.window_s, self.lease_s, self.clock = window_s, lease_s, clock
        self._ended: deque[tuple[float, int]] = deque()  # (end time, tokens), in end order
        self._running: dict[int, list] = {}  # lease -> [deadline, tokens, holder]
        self._holders: dict[str, int] = {}  # holder -> its current life (epoch)
        self._ids = itertools.count()
        self.reclaimed = 0  # leases ended by reset_holder: their holder died while holding them
        self._changed = asyncio.Condition()
        self.waited_s = 0.0
        self._held_until = float("-inf")

    def _expire(self, now: float) -> None:
        while self._ended and self._ended[0][0] <= now - self.window_s:
            self._ended.popleft()
        for lease in [k for k, (deadline, _, _) in self._running.items() if deadline <= now]:
            tokens = self._running.pop(lease)[1]  # its holder died without releasing
            self._ended.append((now, tokens))

    def _wait_needed(self, tokens: int, now: float) -> float | None:
        """0 when a request of `tokens` may start now; else seconds until that may change
        (None: only when a running request ends)."""
        waits: list[float | None] = []
        if now < self._held_until:
            waits.append(self._held_until - now)
        if self.max_concurrency and len(self._running) >= self.max_concurrency:
            waits.append(None)
        if self.rpm and len(self._running) + len(self._ended) >= self.rpm:
            excess = len(self._running) + len(self._ended) - self.rpm  # this many ended ones must leave
            waits.append(self._ended[excess][0] + self.window_s - now if excess < len(self._ended) else None)
        if self.tpm:
            used = sum(t for _, t, _ in self._running.values()) + sum(t for _, t in self._ended)
            over = used + min(tokens, self.tpm) - self.tpm
            if over > 0:
                wait = None
                for end, t in self._ended:
                    over -= t
                    if over <= 0:
                        wait = end + self.window_s - now
                        break
                waits.append(wait)
        if not waits:
            return 0.0
        known = [w for w in waits if w is not None]
        return max(known) if len(known) == len(waits) else (max(known, default=0.0) or None)

    def hold_for_window(self) -> None:
        """Let nothing start for one window from now: what a limiter must assume when it starts without
        its window (its process died), since the provider may have seen up to `rpm` requests and `tpm`
        tokens in the window that just passed."""
        self._held_until = self.clock() + self.window_s

    async def reset_holder(self, holder: str) -> int:
        """A holder (re)starts: end every lease it still holds, as if released now (the provider
        may have seen those requests, so they stay in the window), and refuse acquires still
        pending from its previous life. Returns the epoch its acquires must carry from now on."""
        async with self._changed:
            for lease in [k for k, (_, _, h) in self._running.items() if h == holder]:
                self._ended.append((self.clock(), self._running.pop(lease)[1]))
                self.reclaimed += 1
            self._holders[holder] = self._holders.get(holder, 0) + 1
            self._changed.notify_all()
            return self._holders[holder]

    def _check_holder(self, holder: str | None, epoch: int) -> None:
        if holder is None:
            return
        current = self._holders.setdefault(holder, epoch)  # unknown after this limiter restarted: adopt it
        if epoch < current:
            raise StaleHolder(f"{holder}: restarted since this request was made")
        self._holders[holder] = epoch

    async def acquire(self, tokens: int = 0, holder: str | None = None, epoch: int = 0) -> int:
        """Wait until the request may start; returns a lease to release when it ends. `holder`
        and `epoch` (from reset_holder) name who holds the lease, so a restart can end it."""
        started = self.clock()
        async with self._changed:
            while True:
                self._check_holder(holder, epoch)
                now = self.clock()
                self._expire(now)
                wait = self._wait_needed(tokens, now)
                if wait is not None and wait <= 0:
                    break
                nearest_lease = min((d for d, _, _ in self._running.values()), default=now + 1.0) - now
                timeout = max(min(wait if wait is not None else nearest_lease, nearest_lease), 0.001)
                try:  # woken early by a release, or when the window moves on
                    await asyncio.wait_for(self._changed.wait(), timeout=timeout)
                except TimeoutError:
                    pass
            lease = next(self._ids)
            self._running[lease] = [now + self.lease_s, min(tokens, self.tpm) if self.tpm else tokens, holder]
        self.waited_s += self.clock() - started
        return lease

    async def release(self, lease: int, tokens: int | None = None) -> None:
        """End a request; `tokens` replaces the up-front estimate with the real count."""
        async with self._changed:
            held = self._running.pop(lease, None)
            if held is not None:
                used = held[1] if tokens is None else (min(tokens, self.tpm) if self.tpm else tokens)
                self._ended.append((self.clock(), used))
            self._changed.notify_all()

    async def set_limits(self, rpm: int | None, tpm: int | None, window_s: float) -> tuple:
        """Apply an account's limits as the latest run configured them; returns the previous ones.
        What is already counted in the window stays counted."""
        previous = (self.rpm, self.tpm, self.window_s)
        async with self._changed:
            self.rpm, self.tpm, self.window_s = rpm, tpm, window_s
            self._changed.notify_all()
        return previous

    def stats(self) -> dict:
        self._expire(self.clock())  # counts as of now, not as of the last acquire
        return {"in_flight": len(self._running), "in_window": len(self._running) + len(self._ended),
                "waited_s": round(self.waited_s, 3), "reclaimed": self.reclaimed,
                "held_s": round(max(0.0, self._held_until - self.clock()), 3)}
