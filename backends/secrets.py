"""Keep API keys out of everything we write: error messages, logs, results.

Provider SDKs echo keys back in error text (a bad key is quoted in a 401, a
debug string prints `api_key=...`), and those messages end up in results
rows and logs. Every message a backend records goes through `redact` first.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re

# Environment variables whose values are secrets. `_API_KEY` is covered by
# `_KEY`, spelled out so a reader finds the name they look for.
_SECRET_NAME = re.compile(
    r"(_API_KEY|_KEY|_TOKEN|_SECRET|PASSWORD)$|^(AZURE_|AWS_SECRET)", re.IGNORECASE
)
# Shorter values are too likely to be ordinary words ("true", "us-east-1")
# that would then be masked everywhere in the message.
_MIN_SECRET_LEN = 8

# Keys that may not come from our environment at all (a key in a config file,
# a key the provider echoes back). `\b` keeps "task-scheduler" intact.
_KEY_SHAPES = re.compile(
    r"\bsk-[A-Za-z0-9_-]{8,}"  # OpenAI, Anthropic (sk-ant-), DeepSeek, OpenRouter
    r"|\bgsk_[A-Za-z0-9]{8,}"  # Groq
    r"|\bxai-[A-Za-z0-9]{8,}"  # xAI
    r"|\bhf_[A-Za-z0-9]{30,}"  # Hugging Face (long: hf_ is a common identifier prefix)
    r"|\bAIza[0-9A-Za-z_-]{20,}"  # Google
)
# A credential after a label: keep the label, so the message still says what
# was sent, and mask the value.
_LABELLED = re.compile(
    r"(\bBearer\s+|\b(?:api[_-]?key|x-api-key|token)[\"']?\s*[:=]\s*[\"']?)[^\s\"',;}]{8,}",
    re.IGNORECASE,
)

MASK = "***"


def redact(text: str) -> str:
    """Return `text` with every secret we can recognise replaced by `***`."""
    env_secrets = _env_secrets_pattern(frozenset(os.environ.items()))
    if env_secrets is not None:
        text = env_secrets.sub(MASK, text)
    text = _LABELLED.sub(lambda m: m.group(1) + MASK, text)
    return _KEY_SHAPES.sub(MASK, text)


def key_fingerprint(value: str) -> str:
    """Name a key in logs and manifests without revealing it (8 hex of sha256)."""
    return hashlib.sha256(value.encode()).hexdigest()[:8]


# Keyed on a snapshot of the whole environment: hashing ~100 short strings is
# microseconds (and redact only runs on errors), while rebuilding the pattern
# is not; a changed variable gives a new key, so a key set after import (tests,
# a secret loaded late) is still masked. Per-process, so it is right in every
# Ray worker, each with its own environment.
@functools.lru_cache(maxsize=4)
def _env_secrets_pattern(environ: frozenset[tuple[str, str]]) -> re.Pattern[str] | None:
    values = {v for k, v in environ if _SECRET_NAME.search(k) and len(v) >= _MIN_SECRET_LEN}
    if not values:
        return None
    # Longest first, so a secret that contains another is masked whole.
    ordered = sorted(values, key=len, reverse=True)
    return re.compile("|".join(re.escape(v) for v in ordered))
