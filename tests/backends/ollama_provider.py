"""The worked example of docs/extending.md \"Adding a backend\", verbatim: tests/backends/test_registry.py checks it
works when registered with one line. Keep the two copies the same (test_the_readme_example_is_this_file)."""

import httpx
from pydantic import Field

from arena.config.errors import PlayerOptionError
from backends.errors import classify
from backends.options import BackendOptions, parse_options, who
from backends.wrapper import Reply, Wrapped

PREFIX = "ollama_"


class Options(BackendOptions):
    unknown = "unknown option '{key}'; ollama_* models take base_url"
    base_url: str = Field(default="http://127.0.0.1:11434/v1", description="The server's OpenAI-style API.")


def check(spec, t):
    if spec.constrain_moves:
        raise PlayerOptionError("constrain_moves", f"{who(spec)}: ollama_* models cannot be constrained")
    parse_options(Options, spec)


def prepare(t, specs, use_ray, plan):
    """Nothing is shared between players."""


def backend(spec, plan):
    return Wrapped(OllamaCall(spec.model, parse_options(Options, spec).base_url))


class OllamaCall:
    def __init__(self, name, base_url):
        self.name, self.base_url = name, base_url

    def refuse(self, request):
        return None

    def classify(self, exc):  # HTTP status, timeouts, refused connections: the shared table
        return classify(exc)

    async def __call__(self, request):  # one attempt; raise on failure
        s = request.sampling
        async with httpx.AsyncClient(timeout=60) as client:
            r = await client.post(f"{self.base_url}/chat/completions", json={
                "model": self.name.removeprefix(PREFIX), "messages": request.messages,
                "temperature": s.temperature, "max_tokens": s.max_tokens, "seed": s.seed})
        r.raise_for_status()
        body = r.json()
        usage = body.get("usage") or {}
        return Reply(body["choices"][0]["message"]["content"] or "",
                     usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0))
