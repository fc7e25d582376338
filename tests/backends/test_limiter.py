"""The account limiter on real time with short windows."""

import asyncio
import time

from backends.limiter import Limiter


async def test_requests_per_window_never_exceeded_in_any_sliding_window():
    limiter = Limiter(rpm=5, window_s=0.4)
    starts = []

    async def one():
        lease = await limiter.acquire()
        starts.append(time.monotonic())
        await limiter.release(lease)

    await asyncio.gather(*(one() for _ in range(16)))
    starts.sort()
    for i, t in enumerate(starts):
        assert sum(1 for u in starts[i:] if u < t + 0.4) <= 5
    assert starts[-1] - starts[0] >= 3 * 0.4 * 0.95  # 16 requests at 5 per window need 3 more windows


async def test_concurrency_cap_holds_and_release_wakes_a_waiter():
    limiter = Limiter(max_concurrency=2)
    a, b = await limiter.acquire(), await limiter.acquire()
    third = asyncio.create_task(limiter.acquire())
    await asyncio.sleep(0.05)
    assert not third.done()
    await limiter.release(a)
    await asyncio.wait_for(third, 1)
    assert limiter.stats()["in_flight"] == 2
    await limiter.release(b)


async def test_tokens_are_charged_up_front_and_corrected_on_release():
    limiter = Limiter(tpm=100, window_s=0.5)
    lease = await limiter.acquire(90)
    blocked = asyncio.create_task(limiter.acquire(50))
    await asyncio.sleep(0.05)
    assert not blocked.done()  # 90 + 50 > 100
    await limiter.release(lease, tokens=20)  # the answer was short
    await asyncio.wait_for(blocked, 0.2)  # 20 + 50 fits at once, well before the window ends


async def test_a_holder_that_never_releases_loses_its_slot_after_the_lease():
    limiter = Limiter(max_concurrency=1, lease_s=0.2)
    await limiter.acquire()  # never released, as if its gateway died
    started = time.monotonic()
    await asyncio.wait_for(limiter.acquire(), 2)
    assert 0.15 <= time.monotonic() - started < 1.5


async def test_a_request_larger_than_the_token_window_still_runs():
    limiter = Limiter(tpm=10, window_s=0.2)
    await asyncio.wait_for(limiter.acquire(500), 1)


async def test_a_request_counts_until_a_window_after_it_ended():
    # The provider sees a request arrive somewhere between start and end: counting from the
    # start alone would let two requests sent a window apart arrive closer than that.
    limiter = Limiter(rpm=1, window_s=0.3)
    lease = await limiter.acquire()
    await asyncio.sleep(0.2)
    await limiter.release(lease)
    ended = time.monotonic()
    await limiter.acquire()
    assert time.monotonic() - ended >= 0.28
