"""What LiteLLM says of a model that does not depend on the environment: its provider and the variables that
may hold its key. Importing LiteLLM takes 2-3 s, so `arena models` keeps these answers on disk per LiteLLM
version and asks LiteLLM only about models it has not seen.

The answers are LiteLLM's in an environment with no keys set, taken in a child process: LiteLLM names the
variables a model needs only while they are missing, and this process's keys must not change the answer.
Whether each variable is set is checked here, every time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata

from arena.cache import cache_file, read_json, write_json
from backends.litellm.models import ModelEntry

# In the child: each entry's provider and key variables, or null where LiteLLM refuses the model.
_ASK = """
import json, sys
from backends import keys
from arena.cache import cache_file, read_json, write_json
from backends.litellm.models import ModelEntry
out = []
for row in json.load(sys.stdin):
    entry = ModelEntry(**row)
    try:
        out.append([keys.provider_of(entry), keys.key_variables(entry)])
    except Exception:
        out.append(None)
print(json.dumps(out))
"""


def facts(entries: list[ModelEntry]) -> dict[str, tuple[str, list[str]] | None]:
    """Entry name -> (provider, key variables); None where LiteLLM could not say (the caller asks it
    directly, for its own error)."""
    path = cache_file(f"litellm-{metadata.version('litellm')}.json")
    known = read_json(path) or {}
    unseen = list(dict.fromkeys(_key(e) for e in entries if _key(e) not in known))
    if unseen:
        known.update(zip(unseen, _ask_litellm(unseen), strict=True))
        write_json(path, {k: v for k, v in known.items() if v is not None})
    answers = {e.name: known.get(_key(e)) for e in entries}
    return {name: (a[0], list(a[1])) if a else None for name, a in answers.items()}


def _key(entry: ModelEntry) -> str:
    return json.dumps([entry.name, entry.api_base, entry.api_key_env])


def _ask_litellm(unseen: list[str]) -> list[list | None]:
    rows = [dict(zip(("name", "api_base", "api_key_env"), json.loads(k), strict=True)) for k in unseen]
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "TMPDIR", "LANG")}
    env.update(LITELLM_LOCAL_MODEL_COST_MAP="True", PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    done = subprocess.run([sys.executable, "-c", _ASK], input=json.dumps(rows), env=env, capture_output=True,
                          text=True, timeout=300)
    if done.returncode != 0:  # the caller asks LiteLLM in this process instead, and reports what it says
        return [None] * len(unseen)
    return json.loads(done.stdout.strip().splitlines()[-1])
