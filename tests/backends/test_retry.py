"""with_retries() against scripted failures: real LiteLLM exceptions, real classify.

A fake sleep records each wait instead of sleeping, so every test is instant.
"""

import asyncio
import functools
import os
import random

import httpx
import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # no network fetch at import
import litellm  # noqa: E402  (a dependency: a missing install must fail, not skip)

X = litellm.exceptions

from arena.chat import ErrorClass  # noqa: E402
from backends.errors import classify  # noqa: E402
from backends.retry import RetryPolicy, with_retries  # noqa: E402

KW = {"model": "llama-3.1-8b-instant", "llm_provider": "groq"}


def http(status, **headers):
    return httpx.Response(status, headers=headers, request=httpx.Request("POST", "https://api.groq.com/v1"))


def rate_limited(retry_after=None):
    headers = {} if retry_after is None else {"retry-after": str(retry_after)}
    return X.RateLimitError("slow down", response=http(429, **headers), **KW)


def server_error():
    return X.InternalServerError("upstream 500", **KW)


class Script:
    """An async call that raises or returns the next scripted step."""

    def __init__(self, *steps):
        self.steps, self.calls = list(steps), 0

    async def __call__(self):
        step = self.steps[self.calls]
        self.calls += 1
        if isinstance(step, BaseException):
            raise step
        return step


class Sleeps(list):
    async def __call__(self, seconds):
        self.append(seconds)


class Highest(random.Random):
    """Jitter that always draws the top of its range, to see the backoff cap."""

    def uniform(self, a, b):
        return b


async def run(script, policy=None, rng=None):
    sleeps = Sleeps()
    outcome = await with_retries(script, classify, policy or RetryPolicy(), sleep=sleeps, rng=rng or random.Random(0))
    return outcome, sleeps


async def test_retry_after_is_honoured_then_success():
    outcome, sleeps = await run(Script(rate_limited(7), "ok"))
    assert outcome.ok and outcome.value == "ok"
    assert sleeps == [7] and (outcome.attempts, outcome.rate_limited_waits, outcome.waited_s) == (2, 1, 7)


async def test_rate_limits_without_retry_after_back_off_exponentially_with_full_jitter():
    policy = RetryPolicy(base_backoff_s=1, max_backoff_s=10)
    outcome, sleeps = await run(Script(*[rate_limited()] * 6, "ok"), policy, rng=Highest())
    assert outcome.ok and sleeps == [1, 2, 4, 8, 10, 10]  # ceilings double, then cap

    outcome, sleeps = await run(Script(*[rate_limited()] * 6, "ok"), policy, rng=random.Random(3))
    assert outcome.ok and all(0 <= s <= c for s, c in zip(sleeps, [1, 2, 4, 8, 10, 10], strict=True))
    assert len(set(sleeps)) == 6  # jittered, not lockstep


async def test_transient_errors_retry_then_succeed():
    outcome, sleeps = await run(Script(server_error(), server_error(), server_error(), "ok"))
    assert outcome.ok and outcome.attempts == 4 and len(sleeps) == 3
    assert all(0 <= s <= c for s, c in zip(sleeps, [1, 2, 4], strict=True))


async def test_transient_errors_past_the_budget_fail_transient():
    script = Script(*[server_error()] * 4, "never reached")
    outcome, sleeps = await run(script, RetryPolicy(max_transient_attempts=4))
    assert outcome.failure.error_class is ErrorClass.TRANSIENT and outcome.value is None
    assert outcome.attempts == script.calls == 4 and len(sleeps) == 3


async def test_rate_limits_do_not_spend_the_transient_budget():
    steps = [rate_limited(1), server_error(), rate_limited(1), server_error(), rate_limited(1), server_error(), "ok"]
    outcome, _ = await run(Script(*steps), RetryPolicy(max_transient_attempts=4))
    assert outcome.ok and outcome.attempts == 7 and outcome.rate_limited_waits == 3


@pytest.mark.parametrize(("exc", "expected"), [
    (X.AuthenticationError("invalid api key", response=http(401), **KW), ErrorClass.FATAL),
    (X.NotFoundError("model not found", response=http(404), **KW), ErrorClass.FATAL),
    (X.ContextWindowExceededError("too many tokens", **KW), ErrorClass.REQUEST),
    (X.BadRequestError("unknown parameter", **KW), ErrorClass.REQUEST),
])
async def test_fatal_and_request_errors_fail_at_once(exc, expected):
    outcome, sleeps = await run(Script(exc, "never reached"))
    assert outcome.failure.error_class is expected and outcome.attempts == 1 and sleeps == []


async def test_fatal_message_names_the_key_through_a_bound_classify():
    auth = X.AuthenticationError("invalid api key", response=http(401), **KW)
    outcome = await with_retries(Script(auth), functools.partial(classify, env_var="GROQ_API_KEY"), sleep=Sleeps())
    assert "check GROQ_API_KEY" in outcome.failure.message


async def test_rate_limited_gives_up_before_waiting_past_the_budget():
    script = Script(*[rate_limited(250)] * 5)
    outcome, sleeps = await run(script, RetryPolicy(max_rate_limited_wait_s=600))
    assert outcome.failure.error_class is ErrorClass.RATE_LIMITED
    assert sleeps == [250, 250] and outcome.attempts == 3 and outcome.rate_limited_waits == 2

    outcome, sleeps = await run(Script(rate_limited(3600)), RetryPolicy(max_rate_limited_wait_s=600))
    assert outcome.failure.error_class is ErrorClass.RATE_LIMITED and sleeps == [] and outcome.attempts == 1


async def test_retry_after_zero_still_backs_off_so_the_budget_fills():
    policy = RetryPolicy(max_rate_limited_wait_s=20, base_backoff_s=1, max_backoff_s=60)
    outcome, sleeps = await run(Script(*[rate_limited(0)] * 10), policy, rng=Highest())
    assert sleeps == [1, 2, 4, 8] and outcome.failure.error_class is ErrorClass.RATE_LIMITED


async def test_cancellation_inside_the_call_propagates():
    sleeps = Sleeps()
    with pytest.raises(asyncio.CancelledError):
        await with_retries(Script(asyncio.CancelledError(), "ok"), classify, sleep=sleeps)
    assert sleeps == []


async def test_cancellation_while_waiting_propagates_at_once():
    script = Script(rate_limited(100), "ok")
    task = asyncio.create_task(with_retries(script, classify))  # the real asyncio.sleep
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=10)  # the retry wait was 100 s
    assert script.calls == 1
