"""The fake OpenAI server, checked through real LiteLLM: answers, faults and the exception each one raises.

Fault -> exception (LiteLLM 1.110, openai 3.57, `openai/` and `hosted_vllm/` alike unless noted):
    429 (Retry-After)        litellm.RateLimitError; header in e.litellm_response_headers["retry-after"]
    500                      litellm.InternalServerError
    503                      litellm.ServiceUnavailableError (NOT a subclass of InternalServerError)
    hang past timeout        litellm.Timeout (subclass of openai.APITimeoutError -> openai.APIConnectionError)
    401 invalid_api_key      litellm.AuthenticationError
    400 context_length_...   litellm.ContextWindowExceededError (subclass of litellm.BadRequestError: test it first)
    other 400                litellm.BadRequestError
    404 model_not_found      litellm.NotFoundError
    200, body not JSON       openai/: litellm.InternalServerError (status_code 500);
                             hosted_vllm/: litellm.APIError (status_code 200)
    connection refused       litellm.InternalServerError (not APIConnectionError)
Retries: `openai/` goes through the openai client, which retries 429, 5xx and timeouts twice by default
(3 requests); `max_retries=0` stops it. `hosted_vllm/` does not retry. `num_retries=N` (tenacity is
installed) adds LiteLLM's own retries on top, for both.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # before litellm is imported: no network fetch

import aiohttp  # noqa: E402
import litellm  # noqa: E402
import pytest  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: no package to import from
from openai_server import legal_moves, start_server  # noqa: E402

litellm.suppress_debug_info = True
KEY = "sk-test-secret-123"
MOVES = ["a1", "b2", "x(0,1)"]
PREFIXES = ["openai", "hosted_vllm"]


def messages(moves: list[str] | None = MOVES) -> list[dict]:
    user = "Board:\n...\n" + (f"\n\nLegal moves: {json.dumps(moves)}\n\nChoose your move." if moves else "")
    return [{"role": "system", "content": "You play a game."}, {"role": "user", "content": user}]


@pytest.fixture(scope="module")
def server():
    with start_server() as s:
        yield s


@pytest.fixture
def srv(server):
    server.reset()
    return server


async def ask(srv, prefix: str = "openai", **kw):
    kw.setdefault("max_retries", 0)  # the openai client would otherwise retry twice on its own
    kw.setdefault("messages", messages())
    return await litellm.acompletion(model=f"{prefix}/test-model", api_base=srv.url, api_key=KEY, **kw)


async def raw(srv, n: int = 1, path: str = "/v1/chat/completions") -> list[tuple[int, dict, str]]:
    """n concurrent plain requests: (status, headers, body text)."""
    async with aiohttp.ClientSession() as session:

        async def one():
            body = {"model": "test-model", "messages": messages()}
            async with session.post(srv.base + path, json=body) as r:
                return r.status, dict(r.headers), await r.text()

        return await asyncio.gather(*(one() for _ in range(n)))


@pytest.mark.parametrize("prefix", PREFIXES)
async def test_answers_a_legal_move_in_openai_format(srv, prefix):
    r = await ask(srv, prefix, seed=3)
    assert json.loads(r.choices[0].message.content)["action"] in MOVES
    assert r.choices[0].finish_reason == "stop"
    assert r.usage.prompt_tokens >= 1 and r.usage.completion_tokens >= 1
    assert r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens
    again = await ask(srv, prefix, seed=3)
    assert again.choices[0].message.content == r.choices[0].message.content  # seeded: deterministic
    assert srv.stats()["last_request"]["model"] == "test-model"


async def test_no_legal_moves_wrong_answers_and_reprompt_format(srv):
    assert json.loads((await ask(srv, messages=messages(None))).choices[0].message.content) == {"action": "none"}
    srv.control(wrong_answer_rate=1.0)
    assert json.loads((await ask(srv)).choices[0].message.content) == {"action": "zz9"}
    # the project's reprompt puts the list mid-line, after the error; the last mention wins
    reprompt = [{"role": "user", "content": 'Legal moves: ["a"]'}, {"role": "assistant", "content": "zz"},
                {"role": "user", "content": '"zz" is not a legal move. Legal moves: ["c3", "d4"]\nReply with JSON.'}]
    assert legal_moves(reprompt) == ["c3", "d4"]


async def test_plain_http_alias_models_and_control():
    with start_server(latency_ms=1) as s:
        (status, _, text), = await raw(s, path="/chat/completions")
        assert status == 200 and json.loads(text)["object"] == "chat.completion"
        with urllib.request.urlopen(s.url + "/models") as r:
            assert json.loads(r.read())["data"][0]["id"] == "test-model"
        assert s.control(require_api_key=KEY)["require_api_key"] is True  # never echoed back
        with pytest.raises(urllib.error.HTTPError) as bad:
            s.control(no_such_knob=1)
        assert bad.value.code == 400
        s.proc.stdin.close()  # its parent went away: the server exits by itself
        assert s.proc.wait(5) == 0


FAULTS = [  # (mode, expected exception, per prefix where they differ)
    (dict(status_sequence=[429], retry_after_s=2), litellm.RateLimitError),
    (dict(status_sequence=[500]), litellm.InternalServerError),
    (dict(fail_rate=1.0, fail_status=503), litellm.ServiceUnavailableError),
    (dict(context_limit_chars=20), litellm.ContextWindowExceededError),
    (dict(status_sequence=[400]), litellm.BadRequestError),
    (dict(model_not_found=["test-model"]), litellm.NotFoundError),
    (dict(require_api_key="sk-other-key-456"), litellm.AuthenticationError),
    (dict(malformed_rate=1.0), {"openai": litellm.InternalServerError, "hosted_vllm": litellm.APIError}),
]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("mode,expected", FAULTS, ids=[next(iter(m)) + str(i) for i, (m, _) in enumerate(FAULTS)])
async def test_fault_raises_litellm_exception(srv, prefix, mode, expected):
    srv.control(**mode)
    expected = expected[prefix] if isinstance(expected, dict) else expected
    with pytest.raises(expected) as caught:
        await ask(srv, prefix)
    assert KEY not in str(caught.value) and "sk-other-key-456" not in str(caught.value)
    assert srv.stats()["total"] == 1  # max_retries=0: no hidden retries
    if mode.get("retry_after_s"):
        assert caught.value.litellm_response_headers["retry-after"] == "2"
    if expected is litellm.InternalServerError:
        assert not isinstance(caught.value, litellm.ServiceUnavailableError)


@pytest.mark.parametrize("prefix", PREFIXES)
async def test_hang_past_timeout_raises_timeout(srv, prefix):
    srv.control(hang_s=10)
    start = time.monotonic()
    with pytest.raises(litellm.Timeout):
        await ask(srv, prefix, timeout=1)
    assert time.monotonic() - start < 9  # the client's timeout, not the server, ended the call


async def test_refused_connection_and_default_retries():
    with start_server(status_sequence=[500, 500, 500]) as s:
        with pytest.raises(litellm.InternalServerError):
            await ask(s, max_retries=None)  # LiteLLM leaves the openai client's default: 2 retries
        assert s.stats()["total"] == 3  # why the backend passes max_retries=0: retries happen in one place
    with pytest.raises(litellm.InternalServerError):  # the server is gone
        await ask(s, timeout=2)


async def test_status_sequence_then_fail_rate_is_seeded(srv):
    srv.control(status_sequence=[429, 503, 200, 500])
    assert [status for status, _, _ in [(await raw(srv))[0] for _ in range(5)]] == [429, 503, 200, 500, 200]
    srv.control(fail_rate=0.3, fail_status=502, seed=1)
    first = [status for status, _, _ in await raw(srv, 100)]
    srv.control(seed=1)
    assert [status for status, _, _ in await raw(srv, 100)] == first
    assert 15 <= first.count(502) <= 45 and set(first) == {200, 502}


async def test_stats_count_windows_and_concurrency(srv):
    srv.control(latency_ms=100)
    srv.reset_stats()
    await raw(srv, 5)  # in window 0, all five in flight together
    await asyncio.sleep(0.75 - srv.stats()["elapsed_s"])
    await raw(srv, 2)  # in window 1
    stats = srv.stats(window_s=0.5)
    assert stats["windows"][:2] == [5, 2] and sum(stats["windows"]) == 7
    assert stats["total"] == 7 and stats["by_status"] == {"200": 7}
    assert stats["max_concurrent"] == 5 and stats["in_flight"] == 0
    assert stats["max_in_sliding_window"] == 5


async def test_server_rate_limit_answers_429_beyond_n_per_window(srv):
    srv.control(rate_limit={"requests": 3, "window_s": 1.0})
    start = time.monotonic()
    answers = await raw(srv, 5)
    assert sorted(status for status, _, _ in answers) == [200, 200, 200, 429, 429]
    assert all(0 < float(h["Retry-After"]) <= 1.0 for status, h, _ in answers if status == 429)
    with pytest.raises(litellm.RateLimitError):
        await ask(srv)
    await asyncio.sleep(1.05 - (time.monotonic() - start))  # the first three leave the window
    assert json.loads((await ask(srv)).choices[0].message.content)["action"] in MOVES
    assert srv.stats()["by_status"] == {"200": 4, "429": 3}
