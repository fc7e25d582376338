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
    await asyncio.wait_for(limiter.acquire(), 30)  # a slot held forever would time out here
    assert time.monotonic() - started >= 0.15


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


# A gateway that dies holding leases (a killed actor cannot release them) restarts with the
# same holder name and calls reset_holder: its old leases end at once, not lease_s later.

async def test_a_restarted_holder_ends_the_leases_of_its_previous_life_at_once():
    limiter = Limiter(rpm=2, window_s=0.3, lease_s=900)
    life = await limiter.reset_holder("gw-0")
    await limiter.acquire(holder="gw-0", epoch=life)
    await limiter.acquire(holder="gw-0", epoch=life)  # both slots held; then the gateway dies
    other = asyncio.create_task(limiter.acquire(holder="gw-1", epoch=await limiter.reset_holder("gw-1")))
    await asyncio.sleep(0.05)
    assert not other.done()
    restarted = time.monotonic()
    await limiter.reset_holder("gw-0")  # the restarted gateway's __init__
    assert limiter.stats()["in_flight"] == 0 and limiter.stats()["reclaimed"] == 2
    await asyncio.wait_for(other, 30)  # leases of 900 s that were not ended would time out here
    # Ended now rather than never: they still count in the window, as requests the provider saw.
    assert time.monotonic() - restarted >= 0.25


async def test_an_acquire_pending_from_the_dead_life_is_refused_and_takes_no_slot():
    from backends.limiter import StaleHolder

    limiter = Limiter(max_concurrency=1)
    life = await limiter.reset_holder("gw-0")
    await limiter.acquire(holder="gw-0", epoch=life)
    pending = asyncio.create_task(limiter.acquire(holder="gw-0", epoch=life))  # waiting when the gateway died
    await asyncio.sleep(0.05)
    new_life = await limiter.reset_holder("gw-0")
    try:
        await asyncio.wait_for(pending, 1)
        raise AssertionError("an acquire of the dead life got a lease")
    except StaleHolder:
        pass
    lease = await asyncio.wait_for(limiter.acquire(holder="gw-0", epoch=new_life), 1)
    assert limiter.stats()["in_flight"] == 1
    await limiter.release(lease)


async def test_reset_leaves_other_holders_and_late_releases_alone():
    limiter = Limiter(rpm=10, window_s=5)
    a, b = await limiter.reset_holder("gw-0"), await limiter.reset_holder("gw-1")
    old = await limiter.acquire(holder="gw-0", epoch=a)
    kept = await limiter.acquire(holder="gw-1", epoch=b)
    await limiter.reset_holder("gw-0")
    assert limiter.stats()["in_flight"] == 1  # gw-1's request goes on
    before = limiter.stats()["in_window"]
    await limiter.release(old)  # a release from the old life arriving late: nothing counted twice
    assert limiter.stats()["in_window"] == before == 2
    await limiter.release(kept)
    assert limiter.stats()["in_flight"] == 0


async def test_a_holder_unknown_after_the_limiter_restarted_is_adopted():
    limiter = Limiter(max_concurrency=1)  # a fresh limiter (its actor restarted) meets a gateway in life 3
    lease = await asyncio.wait_for(limiter.acquire(holder="gw-0", epoch=3), 1)
    await limiter.release(lease)
    assert await limiter.reset_holder("gw-0") == 4


async def test_set_limits_applies_new_limits_and_keeps_what_is_counted():
    lim = Limiter(rpm=2, window_s=60.0)
    leases = [await lim.acquire(), await lim.acquire()]
    assert await lim.set_limits(3, None, 60.0) == (2, None, 60.0)
    third = await asyncio.wait_for(lim.acquire(), timeout=30)  # room for one more under the new limit
    for lease in [*leases, third]:
        await lim.release(lease)
    assert lim.stats()["in_window"] == 3  # the window keeps them whatever the limits became


async def test_a_held_limiter_lets_nothing_start_for_a_window():
    # What a restarted limiter actor does: its window died with the old process, so it assumes a full one.
    limiter = Limiter(rpm=100, window_s=0.3)
    limiter.hold_for_window()
    assert limiter.stats()["held_s"] > 0.2
    started = time.monotonic()
    await asyncio.wait_for(limiter.acquire(), 5)
    assert time.monotonic() - started >= 0.3 * 0.95
    await asyncio.wait_for(limiter.acquire(), 0.2)  # then the limits alone decide
