"""Say once what kind of failure an exception is; `backends/retry.py` acts on it.

Providers only classify (Inspect AI's pattern, STYLE item 1). The table, first
match wins:

  RATE_LIMITED  RateLimitError, any HTTP 429                     (Retry-After kept)
  TRANSIENT     Timeout, APIConnectionError, InternalServerError (LiteLLM raises it
                for a refused connection), ServiceUnavailableError, BadGatewayError,
                HTTP 408/409/5xx, TimeoutError, ConnectionError, httpx transport
                errors, and anything unrecognised (retried, but only a few times)
  FATAL         AuthenticationError 401, PermissionDeniedError 403, NotFoundError
                404, PaymentRequiredError 402, BudgetExceededError, unknown provider
  REQUEST       ContextWindowExceededError, ContentPolicyViolationError,
                BadRequestError, UnprocessableEntityError, other HTTP 4xx

Unknown exceptions are TRANSIENT rather than FATAL: one odd error must not
bench a model for a whole tournament, and the transient budget bounds the cost.

LiteLLM is never imported here: an exception can only be a LiteLLM type if
LiteLLM is already loaded, and importing it costs seconds (and a network fetch
of its cost map unless LITELLM_LOCAL_MODEL_COST_MAP is set).
"""

from __future__ import annotations

import email.utils
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from types import ModuleType

from arena.chat import ErrorClass
from backends.secrets import redact

MAX_MESSAGE_CHARS = 300

# Short names keep the rule table below readable as a table.
_R, _T, _F, _Q = ErrorClass.RATE_LIMITED, ErrorClass.TRANSIENT, ErrorClass.FATAL, ErrorClass.REQUEST
# {key} becomes the environment variable to check, when the caller names one.
_AUTH = "authentication failed: check {key}"
_BILLING = "out of credits or over budget: check the account behind {key}"
_DENIED = "permission denied: check that {key} may use this model"
_NOT_FOUND = "model not found: check the model name"
_FATAL_BY_STATUS = {401: _AUTH, 402: _BILLING, 403: _DENIED, 404: _NOT_FOUND}

_Rule = tuple[tuple[type[BaseException], ...], ErrorClass, str]


@dataclass(frozen=True)
class Classified:
    """What went wrong, in a form safe to store: one line, redacted, short."""

    error_class: ErrorClass
    message: str
    retry_after_s: float | None = None
    status: int | None = None


def classify(exc: BaseException, env_var: str | None = None) -> Classified:
    """Classify `exc`; `env_var` names the key to check in fatal messages."""
    status = _status(exc)
    error_class, reason = _match(exc, status)
    reason = reason.format(key=env_var or "the API key")
    message = redact(f"{reason}: {_one_line(exc)}")
    if len(message) > MAX_MESSAGE_CHARS:  # after redact: a cut secret would slip past it
        message = message[: MAX_MESSAGE_CHARS - 1] + "…"
    return Classified(error_class, message, _retry_after_s(exc), status)


def _match(exc: BaseException, status: int | None) -> tuple[ErrorClass, str]:
    litellm_exceptions = sys.modules.get("litellm.exceptions")
    if litellm_exceptions is not None:
        for types, error_class, reason in _litellm_rules(litellm_exceptions):
            if isinstance(exc, types):
                return error_class, reason
    if status == 429:
        return _R, "rate limited"
    if status in _FATAL_BY_STATUS:
        return _F, _FATAL_BY_STATUS[status]
    if status is not None and (status in (408, 409) or status >= 500):
        return _T, f"server error (HTTP {status})"
    if status is not None and 400 <= status < 500:
        return _Q, f"request rejected (HTTP {status})"
    httpx = sys.modules.get("httpx")
    if isinstance(exc, TimeoutError) or (httpx and isinstance(exc, httpx.TimeoutException)):
        return _T, "timed out"
    if isinstance(exc, ConnectionError) or (httpx and isinstance(exc, httpx.TransportError)):
        return _T, "connection failed"
    return _T, "unexpected error"


@cache
def _litellm_rules(e: ModuleType) -> tuple[_Rule, ...]:
    # Order matters: ContextWindowExceeded, ContentPolicyViolation, PaymentRequired
    # and LiteLLMUnknownProvider all subclass BadRequestError. litellm.APIError
    # carries any status code, so it falls through to the status rules.
    return (
        ((e.ContextWindowExceededError,), _Q, "context window exceeded"),
        ((e.ContentPolicyViolationError,), _Q, "content policy violation"),
        ((e.LiteLLMUnknownProvider,), _F, "unknown provider: check the model name"),
        ((e.PaymentRequiredError, e.BudgetExceededError), _F, _BILLING),
        ((e.RateLimitError,), _R, "rate limited"),
        ((e.AuthenticationError,), _F, _AUTH),
        ((e.PermissionDeniedError,), _F, _DENIED),
        ((e.NotFoundError,), _F, _NOT_FOUND),
        ((e.Timeout,), _T, "timed out"),
        ((e.APIConnectionError,), _T, "connection failed"),
        ((e.InternalServerError, e.ServiceUnavailableError, e.BadGatewayError), _T, "server error"),
        ((e.BadRequestError, e.UnprocessableEntityError), _Q, "bad request"),
    )


def _status(exc: BaseException) -> int | None:
    for owner in (exc, _attr(exc, "response")):
        code = _attr(owner, "status_code")
        if isinstance(code, int) and not isinstance(code, bool):
            return code
    return None


def _retry_after_s(exc: BaseException) -> float | None:
    # Explicit headers (RateLimitError(headers=...)), then the ones LiteLLM's
    # exception mapping attaches, then the raw HTTP response's.
    for headers in _header_sources(exc):
        ms = headers.get("retry-after-ms")  # OpenAI-style, more precise: first
        if ms is not None and (seconds := _seconds(ms)) is not None:
            return seconds / 1000
        value = headers.get("retry-after")
        if value is not None and (seconds := _seconds(value, dates=True)) is not None:
            return seconds
    return None


def _header_sources(exc: BaseException) -> Iterator[dict[str, str]]:
    sources = (_attr(exc, "headers"), _attr(exc, "litellm_response_headers"),
               _attr(_attr(exc, "response"), "headers"))
    for headers in sources:
        if hasattr(headers, "items"):  # a dict or httpx.Headers
            yield {str(k).lower(): str(v) for k, v in headers.items()}


def _seconds(value: str, dates: bool = False) -> float | None:
    """Retry-After is delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    try:
        seconds = float(value)
    except ValueError:
        if not dates:
            return None
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _one_line(exc: BaseException) -> str:
    try:
        text = " ".join(str(exc).split())
    except Exception:  # a broken __str__ must not break classification
        text = ""
    name = type(exc).__name__
    return text if name in text else f"{name}: {text}" if text else name


def _attr(obj: object, name: str) -> object:
    # Some SDK properties raise instead of returning None (httpx's .request).
    try:
        return getattr(obj, name, None)
    except Exception:
        return None
