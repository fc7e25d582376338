"""The one retry loop every backend call goes through (STYLE item 1).

Providers only classify an exception (`backends/errors.py`); this decides what
to do about it: wait out rate limits, back off on transient failures, give up
at once on fatal and request errors.

A plain loop, not tenacity: we keep two separate budgets (transient attempts,
seconds waited on 429s) and the wait depends on the failure's Retry-After, so
tenacity's retry/wait/stop callables would all need the same classification
and counters stashed in shared state between them, which takes more code to
read than this loop.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from arena.chat import ErrorClass
from backends.errors import Classified

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How long to keep trying one call."""

    # Attempts that failed transiently, the last one included; 429s don't count.
    max_transient_attempts: int = 4
    # Total seconds we wait on 429s (Retry-After or backoff) before giving up.
    max_rate_limited_wait_s: float = 600.0
    base_backoff_s: float = 1.0
    max_backoff_s: float = 60.0

    def backoff_s(self, n: int, rng: random.Random) -> float:
        """Full jitter (uniform in [0, cap]) for the n-th wait, n from 0.

        Full jitter spreads the many players that hit one provider's limit at
        the same moment, instead of retrying them in lockstep.
        """
        cap = min(self.max_backoff_s, self.base_backoff_s * 2 ** min(n, 32))
        return rng.uniform(0.0, cap)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """The call's value, or why there is none; plus what it took."""

    value: T | None = None
    failure: Classified | None = None
    attempts: int = 0
    rate_limited_waits: int = 0
    waited_s: float = 0.0  # all sleeping, rate limits and backoff together

    @property
    def ok(self) -> bool:
        return self.failure is None


async def with_retries(
    call: Callable[[], Awaitable[T]],
    classify: Callable[[BaseException], Classified],
    policy: RetryPolicy = RetryPolicy(),
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    rng: random.Random | None = None,
) -> Outcome[T]:
    """Await `call()` until it succeeds or `policy` says to stop.

    Never raises for a failed call: the failure comes back classified.
    asyncio.CancelledError (a BaseException) is not caught, so cancelling the
    caller stops it at once, mid-call or mid-sleep.
    """
    rng = rng or random.Random()
    attempts = transient_failures = rate_limited_waits = 0
    waited_s = rate_limited_s = 0.0
    while True:
        attempts += 1
        try:
            value = await call()
        except Exception as exc:  # noqa: BLE001 - classify decides; it is total
            failure = classify(exc)
        else:
            return Outcome(value, None, attempts, rate_limited_waits, waited_s)

        if failure.error_class is ErrorClass.RATE_LIMITED:
            delay = policy.backoff_s(rate_limited_waits, rng)
            if failure.retry_after_s is not None:
                # Never sooner than the server asks; the backoff floor keeps a
                # server that keeps saying "retry after 0" from making us spin.
                delay = max(failure.retry_after_s, delay)
            if rate_limited_s + delay > policy.max_rate_limited_wait_s:
                break
            rate_limited_waits += 1
            rate_limited_s += delay
        elif failure.error_class is ErrorClass.TRANSIENT:
            transient_failures += 1
            if transient_failures >= policy.max_transient_attempts:
                break
            delay = policy.backoff_s(transient_failures - 1, rng)
        else:  # FATAL, REQUEST: the same call would fail the same way
            break

        log.info("retrying in %.1fs (attempt %d): %s", delay, attempts, failure.message)
        waited_s += delay
        await sleep(delay)
    return Outcome(None, failure, attempts, rate_limited_waits, waited_s)
