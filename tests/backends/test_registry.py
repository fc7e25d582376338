"""One registry from prefix to provider module; one wrapper around every bare call; models files read once."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from openai_server import start_server

from arena.chat import ChatRequest, ErrorClass, Sampling
from arena.config.errors import ConfigError
from arena.config.load import load_tournament_dict
from arena.config.models import LLMPlayer, Tournament
from backends import registry
from backends.errors import classify
from backends.plan import prepare
from backends.retry import RetryPolicy
from backends.wrapper import Reply, Wrapped

ROOT = Path(__file__).resolve().parents[2]
ASK = [{"role": "user", "content": 'Your move.\nLegal moves: ["a1", "b2", "c3"]'}]


def tournament(players: list[dict], **more) -> Tournament:
    return Tournament.model_validate({"games": [{"name": "tic_tac_toe"}], "format": "match", "players": players,
                                      **more})


def test_every_prefix_has_a_provider_module_with_the_same_surface():
    for prefix in registry.PROVIDERS:
        module = registry.provider(prefix)
        assert module.PREFIX == prefix
        assert all(callable(getattr(module, f)) for f in ("check", "prepare", "backend"))
        assert module.Options.model_validate({}) is not None  # every option has a default


def test_simulated_players_load_neither_litellm_nor_vllm():
    code = ("import sys; from backends.plan import prepare; from backends import registry;"
            "from arena.config.models import Tournament, LLMPlayer;"
            "t = Tournament.model_validate({'games': [{'name': 'tic_tac_toe'}], 'format': 'match', 'players': "
            "[{'type': 'llm', 'model': 'simulated_a'}, {'type': 'random'}]});"
            "[registry.check(p, t) for p in t.players if isinstance(p, LLMPlayer)];"
            "prepare(t, use_ray=False).backend_for(t.players[0]);"
            "print(sorted(m for m in ('litellm', 'vllm', 'ray') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_missing_dependency_is_one_line_saying_what_to_install(monkeypatch):
    monkeypatch.setitem(registry.PROVIDERS, "absent_", ("backends.simulated", "no_such_package_x", "pip install x"))
    with pytest.raises(registry.UnknownModel) as e:
        registry.check(LLMPlayer(type="llm", model="absent_m"))
    assert str(e.value) == "model 'absent_m' needs the no_such_package_x package: pip install x"
    with pytest.raises(registry.UnknownModel, match="no known backend prefix"):
        registry.provider("gpt-4o")


def test_the_docs_example_is_this_file():
    page = (ROOT / "docs" / "extending.md").read_text()
    example = re.search(r"```python\n# backends/ollama.py\n(.*?)```", page, re.DOTALL).group(1)
    assert example in (Path(__file__).parent / "ollama_provider.py").read_text()


def test_a_new_backend_is_one_module_and_one_registry_line(monkeypatch):
    monkeypatch.setitem(registry.PROVIDERS, "ollama_", ("ollama_provider", "httpx", "pip install httpx"))
    with start_server() as server:
        server.control(status_sequence=[500, 200])
        player = {"type": "llm", "model": "ollama_test-model", "backend_options": {"base_url": server.url}}
        t = tournament([player, {"type": "random"}])
        for p in t.players:
            if isinstance(p, LLMPlayer):
                registry.check(p, t)
        backend = prepare(t, use_ray=False).backend_for(t.players[0])
        backend.policy = RetryPolicy(base_backoff_s=0.01, max_backoff_s=0.02)
        result = asyncio.run(backend.chat(ChatRequest(messages=ASK, sampling=Sampling(seed=1))))
        assert server.stats()["by_status"] == {"500": 1, "200": 1}  # the wrapper retried the 500
    assert result.ok and result.text in {'{"action": "a1"}', '{"action": "b2"}', '{"action": "c3"}'}
    assert result.prompt_tokens > 0 and result.latency_s > 0
    with pytest.raises(ConfigError) as e:  # its typed options refuse what they do not know
        load_tournament_dict({"games": [{"name": "tic_tac_toe"}], "format": "match",
                              "players": [{**player, "backend_options": {"url": "x"}}, {"type": "random"}]},
                             check_player=lambda p, t: registry.check(p, t) if isinstance(p, LLMPlayer) else None)
    assert e.value.path == "players.0.backend_options.url" and "take base_url" in str(e.value)


class Flaky:
    """A bare call that fails transiently `failures` times, then answers."""

    name = "flaky_m"

    def __init__(self, failures: int):
        self.failures, self.calls = failures, 0

    def refuse(self, request):
        return None

    def classify(self, exc):
        return classify(exc)

    async def __call__(self, request):
        self.calls += 1
        await asyncio.sleep(0.01)
        if self.calls <= self.failures:
            raise ConnectionError("refused")
        return Reply("hi", 3, 1, cost_usd=0.5)


class Leases:
    def __init__(self):
        self.held, self.released = 0, []

    async def acquire(self, tokens=0):
        self.held += 1
        return self.held

    async def release(self, lease, tokens=None):
        self.released.append((lease, tokens))


class Spend:
    def __init__(self):
        self.records = []

    async def record(self, model, cost, fatal):
        self.records.append((model, cost, fatal))
        return {"flaky_m": ("budget", "spent")} if cost else {}


def test_the_wrapper_times_retries_leases_and_records_spend():
    fast = RetryPolicy(max_transient_attempts=3, base_backoff_s=0.001, max_backoff_s=0.002)
    leases, spend = Leases(), Spend()
    wrapped = Wrapped(Flaky(failures=2), [leases], spend, fast, track_spend=True)
    result = asyncio.run(wrapped.chat(ChatRequest(messages=ASK)))
    assert result.ok and (result.text, result.prompt_tokens, result.completion_tokens) == ("hi", 3, 1)
    assert result.cost_usd == 0.5 and 0.01 <= result.latency_s < 30
    assert [t for _, t in leases.released] == [None, None, 4]  # every lease released; the real count at the end
    assert spend.records == [("flaky_m", 0.5, None)]
    blocked = asyncio.run(wrapped.chat(ChatRequest(messages=ASK)))  # the ledger said the budget is spent
    assert blocked.error_class is ErrorClass.BUDGET and wrapped.call.calls == 3

    failing = Wrapped(Flaky(failures=9), [], Spend(), fast)
    result = asyncio.run(failing.chat(ChatRequest(messages=ASK)))
    assert result.error_class is ErrorClass.TRANSIENT and failing.call.calls == 3
    assert failing.ledger.records == [("flaky_m", 0.0, None)]


class Unreachable(Leases):
    async def acquire(self, tokens=0):
        raise ConnectionError("limiter actor gone")


def test_a_lease_taken_before_another_limiter_fails_is_released():
    once = RetryPolicy(max_transient_attempts=1, base_backoff_s=0.001, max_backoff_s=0.002)
    taken = Leases()
    wrapped = Wrapped(Flaky(failures=0), [taken, Unreachable()], Spend(), once)
    try:
        asyncio.run(wrapped.chat(ChatRequest(messages=ASK)))
    except ConnectionError:
        pass  # how the failure surfaces is the retry policy's business; the lease must not leak
    assert taken.held >= 1 and len(taken.released) == taken.held and wrapped.call.calls == 0


def test_models_files_are_read_once_per_run_and_edits_are_seen(tmp_path, monkeypatch):
    from backends.litellm import models

    parsed = []
    real = models._parse
    monkeypatch.setattr(models, "_parse", lambda path: parsed.append(path) or real(path))
    path = tmp_path / "api.yaml"
    path.write_text("models:\n  - name: litellm_openai/a\n    api_base: http://127.0.0.1:9/v1\n")
    players = [{"type": "llm", "name": f"p{i}", "model": "litellm_openai/a"} for i in range(4)]
    data = {"games": [{"name": "tic_tac_toe"}], "format": "round_robin", "players": players,
            "litellm_models": str(path)}
    t = load_tournament_dict(data, check_player=lambda p, t: registry.check(p, t))
    prepare(t, use_ray=False)
    assert len(parsed) == 1  # four players checked, one plan prepared: one read
    path.write_text("models:\n  - name: litellm_openai/b\n    api_base: http://127.0.0.1:9/v1\n")
    with pytest.raises(ConfigError, match="not listed"):
        load_tournament_dict(data, check_player=lambda p, t: registry.check(p, t))
    assert len(parsed) == 2


def test_vllm_deployment_is_named_in_its_config():
    pytest.importorskip("ray.serve.llm")
    from backends.vllm.models import VLLMEntry, deployment_name
    from backends.vllm.serve_config import llm_config

    entry = VLLMEntry(name="vllm_org/Model-1.5", model_path="/models/m")
    config = llm_config(entry, gpu_available=True)
    assert config.deployment_config["name"] == entry.deployment_name == deployment_name("org/Model-1.5")
