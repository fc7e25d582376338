"""classify() on real LiteLLM exception objects, offline.

The table cases build exceptions the way LiteLLM does (with real httpx
responses); the last tests let LiteLLM itself raise, against a refused port
and a tiny local server that answers 429 / 401.
"""

import asyncio
import email.utils
import os
import socket
from datetime import UTC, datetime, timedelta

import httpx
import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # no network fetch at import
import litellm  # noqa: E402  (a dependency: a missing install must fail, not skip)

litellm.suppress_debug_info = True
# LiteLLM's own pydantic models warn on first use; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:pydantic")
X = litellm.exceptions

from arena.chat import ErrorClass  # noqa: E402
from backends.errors import MAX_MESSAGE_CHARS, classify  # noqa: E402

R, T, F, Q = ErrorClass.RATE_LIMITED, ErrorClass.TRANSIENT, ErrorClass.FATAL, ErrorClass.REQUEST
KW = {"model": "llama-3.1-8b-instant", "llm_provider": "groq"}
URL = "https://api.groq.com/openai/v1/chat/completions"


def response(status: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, headers=headers, request=httpx.Request("POST", URL))


CASES = {
    "rate_limit": (X.RateLimitError("slow down", response=response(429), **KW), R, 429),
    "timeout": (X.Timeout("request timed out", **KW), T, 408),
    "connection": (X.APIConnectionError("connection reset by peer", **KW), T, 500),
    "refused_as_500": (X.InternalServerError("Cannot connect to host", **KW), T, 500),
    "unavailable": (X.ServiceUnavailableError("overloaded", response=response(503), **KW), T, 503),
    "bad_gateway": (X.BadGatewayError("bad gateway", **KW), T, 502),
    "api_error_5xx": (X.APIError(status_code=529, message="overloaded", **KW), T, 529),
    "api_error_429": (X.APIError(status_code=429, message="too many", **KW), R, 429),
    "api_error_4xx": (X.APIError(status_code=418, message="teapot", **KW), Q, 418),
    "auth": (X.AuthenticationError("invalid api key", response=response(401), **KW), F, 401),
    "denied": (X.PermissionDeniedError("no access", response=response(403), **KW), F, 403),
    "not_found": (X.NotFoundError("model does not exist", response=response(404), **KW), F, 404),
    "payment": (X.PaymentRequiredError("insufficient credits", **KW), F, 402),
    "budget": (X.BudgetExceededError(current_cost=2.0, max_budget=1.0), F, None),
    "unknown_provider": (X.LiteLLMUnknownProvider(model="nope/model"), F, 400),
    "context_window": (X.ContextWindowExceededError("too many tokens", **KW), Q, 400),
    "content_policy": (X.ContentPolicyViolationError("flagged", **KW), Q, 400),
    "bad_request": (X.BadRequestError("unknown parameter", **KW), Q, 400),
    "unprocessable": (X.UnprocessableEntityError("bad body", response=response(422), **KW), Q, 422),
    "builtin_timeout": (TimeoutError(), T, None),
    "asyncio_timeout": (TimeoutError(), T, None),
    "refused": (ConnectionRefusedError(111, "Connection refused"), T, None),
    "httpx_timeout": (httpx.ConnectTimeout("connect timed out"), T, None),
    "httpx_connect": (httpx.ConnectError("connection refused"), T, None),
    "httpx_status": (httpx.HTTPStatusError("401", request=httpx.Request("POST", URL), response=response(401)), F, 401),
    "unknown": (ValueError("something odd"), T, None),
}


@pytest.mark.parametrize("name", CASES)
def test_classification_table(name):
    exc, expected, status = CASES[name]
    got = classify(exc)
    assert got.error_class is expected
    if status is not None:
        assert got.status == status
    assert got.message and "\n" not in got.message and len(got.message) <= MAX_MESSAGE_CHARS


def test_fatal_messages_name_the_variable_to_check():
    auth = CASES["auth"][0]
    assert classify(auth, env_var="GROQ_API_KEY").message.startswith("authentication failed: check GROQ_API_KEY")
    assert classify(auth).message.startswith("authentication failed: check the API key")
    assert "GROQ_API_KEY" in classify(CASES["denied"][0], "GROQ_API_KEY").message
    assert "model not found" in classify(CASES["not_found"][0], "GROQ_API_KEY").message


def http_date(delta_s: float) -> str:
    return email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=delta_s), usegmt=True)


@pytest.mark.parametrize(
    ("headers", "low", "high"),
    [
        ({"retry-after": "7"}, 7, 7),
        ({"Retry-After": "2.5"}, 2.5, 2.5),
        ({"retry-after-ms": "1500", "retry-after": "2"}, 1.5, 1.5),  # ms is more precise: wins
        ({"retry-after": 30}, 25, 30),  # ints here become HTTP-dates that far ahead, at run time
        ({"retry-after": -60}, 0, 0),  # a date in the past: retry now
    ],
)
def test_retry_after_from_response_headers(headers, low, high):
    headers = {k: http_date(v) if isinstance(v, int) else v for k, v in headers.items()}
    got = classify(X.RateLimitError("slow down", response=response(429, headers), **KW))
    assert got.error_class is R and low <= got.retry_after_s <= high


def test_retry_after_absent_or_garbled_is_none():
    assert classify(X.RateLimitError("slow down", response=response(429), **KW)).retry_after_s is None
    garbled = response(429, {"retry-after": "soon"})
    assert classify(X.RateLimitError("slow down", response=garbled, **KW)).retry_after_s is None


def test_retry_after_from_litellm_attached_and_explicit_headers():
    exc = X.RateLimitError("slow down", **KW)
    exc.litellm_response_headers = httpx.Headers({"retry-after": "11"})  # what LiteLLM's mapping sets
    assert classify(exc).retry_after_s == 11
    assert classify(X.RateLimitError("slow down", headers={"retry-after": "4"}, **KW)).retry_after_s == 4


def test_key_in_environment_is_redacted_from_the_message(monkeypatch):
    monkeypatch.setenv("GROQ_API_KEY", "gsk_TESTSECRET123456")
    monkeypatch.setenv("MY_SERVICE_TOKEN", "plainsecretvalue42")  # no known key shape: only the env scan finds it
    exc = X.AuthenticationError(
        "Invalid API Key gsk_TESTSECRET123456\nsent with plainsecretvalue42", response=response(401), **KW
    )
    got = classify(exc, env_var="GROQ_API_KEY")
    assert "TESTSECRET" not in got.message and "plainsecret" not in got.message
    assert got.message.count("***") == 2 and "\n" not in got.message


def test_long_message_is_cut_after_redaction_so_no_key_prefix_leaks(monkeypatch):
    monkeypatch.setenv("GROQ_API_KEY", "gsk_TESTSECRET123456")
    exc = X.BadRequestError("x" * 250 + " gsk_TESTSECRET123456 " + "y" * 500, **KW)
    start = f"bad request: {exc}".index("gsk_")
    assert start < MAX_MESSAGE_CHARS < start + 20  # cutting first would leave a piece of the key
    got = classify(exc)
    assert len(got.message) == MAX_MESSAGE_CHARS and "gsk_" not in got.message and "TEST" not in got.message


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ask(port: int):
    return litellm.acompletion(
        model="hosted_vllm/test", api_base=f"http://127.0.0.1:{port}/v1", api_key="sk-testtesttest1234",
        messages=[{"role": "user", "content": "hi"}], max_retries=0, num_retries=0,
    )


async def test_litellm_refused_connection_is_transient():
    with pytest.raises(Exception) as info:
        await ask(free_port())
    assert classify(info.value).error_class is T


async def answering(status: int, headers: str):
    """A one-route HTTP server that answers every request with `status`."""
    body = b'{"error": {"message": "nope", "type": "error"}}'

    async def handle(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(f"HTTP/1.1 {status} X\r\n{headers}Content-Type: application/json\r\n"
                     f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
        await writer.drain()
        writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


@pytest.mark.parametrize(("status", "headers", "expected", "retry_after"),
                         [(429, "Retry-After: 3\r\n", R, 3.0), (401, "", F, None)])
async def test_litellm_raised_errors_from_a_real_server(status, headers, expected, retry_after):
    server = await answering(status, headers)
    async with server:
        with pytest.raises(Exception) as info:
            await ask(server.sockets[0].getsockname()[1])
    got = classify(info.value, env_var="HOSTED_VLLM_API_KEY")
    assert (got.error_class, got.status, got.retry_after_s) == (expected, status, retry_after)
    assert "sk-testtest" not in got.message
