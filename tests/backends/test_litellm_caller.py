"""The LiteLLM backend in-process, over real HTTP to the fake OpenAI server."""

import asyncio
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from openai_server import start_server  # noqa: E402

from arena.chat import ChatRequest, ErrorClass, Sampling  # noqa: E402
from arena.config.models import Tournament  # noqa: E402
from backends.plan import prepare  # noqa: E402
from backends.retry import RetryPolicy  # noqa: E402

ASK = [{"role": "user", "content": 'Your move.\nLegal moves: ["a1", "b2", "c3"]'}]


@pytest.fixture(scope="module")
def server():
    with start_server() as s:
        yield s


@pytest.fixture(autouse=True)
def fresh(server):
    server.control(latency_ms=0, status_sequence=[], retry_after_s=None, hang_s=0, require_api_key=None,
                   context_limit_chars=None, model_not_found=[], fail_rate=0.0, wrong_answer_rate=0.0)
    server.reset_stats()


def backend(tmp_path, server, entry: str = "", **tournament):
    path = tmp_path / "models.yaml"
    path.write_text(f"models:\n  - name: litellm_openai/test-model\n    api_base: {server.url}\n{entry}")
    t = Tournament.model_validate({"games": [{"name": "tic_tac_toe"}], "format": "match", "litellm_models": str(path),
                                   "players": [{"type": "llm", "model": "litellm_openai/test-model"}, {"type": "random"}],
                                   **tournament})
    plan = prepare(t, use_ray=False)
    caller = plan.clients["litellm_openai/test-model"]
    caller.policy = RetryPolicy(max_transient_attempts=3, base_backoff_s=0.05, max_backoff_s=0.2,
                                max_rate_limited_wait_s=5)
    return plan, caller


def chat(caller, **kw):
    return asyncio.run(caller.chat(ChatRequest(messages=ASK, sampling=Sampling(max_tokens=50, seed=1), **kw)))


def test_answer_tokens_latency_and_price_override(tmp_path, server):
    server.control(latency_ms=100)
    plan, caller = backend(tmp_path, server, "    input_cost_per_token: 0.001\n    output_cost_per_token: 0.002\n")
    result = chat(caller)
    assert result.ok and result.text in {'{"action": "a1"}', '{"action": "b2"}', '{"action": "c3"}'}
    assert result.prompt_tokens > 0 and result.completion_tokens > 0 and result.latency_s >= 0.1
    assert result.cost_usd == pytest.approx(0.001 * result.prompt_tokens + 0.002 * result.completion_tokens)
    assert plan.report()["spent_usd"]["litellm_openai/test-model"] == pytest.approx(result.cost_usd)
    sent = server.stats()["last_request"]
    assert sent["seed"] == 1 and sent["max_tokens"] == 50


def test_rate_limit_waits_for_retry_after_and_is_not_a_failure(tmp_path, server):
    server.control(status_sequence=[429, 429, 200], retry_after_s=0.5)
    _, caller = backend(tmp_path, server)
    started = time.monotonic()
    result = chat(caller)
    assert result.ok and time.monotonic() - started >= 1.0
    assert server.stats()["by_status"] == {"200": 1, "429": 2}


def test_transient_errors_retry_then_give_up(tmp_path, server):
    server.control(status_sequence=[500, 503, 200])
    _, caller = backend(tmp_path, server)
    assert chat(caller).ok
    server.control(status_sequence=[500] * 5)
    failed = chat(caller)
    assert failed.error_class is ErrorClass.TRANSIENT and server.stats()["by_status"]["500"] == 1 + 3


def test_hang_past_timeout_is_transient(tmp_path, server):
    server.control(hang_s=10)
    _, caller = backend(tmp_path, server, "    timeout_s: 0.5\n")
    caller.policy = RetryPolicy(max_transient_attempts=1)
    started = time.monotonic()
    assert chat(caller).error_class is ErrorClass.TRANSIENT and time.monotonic() - started < 9  # the timeout ended it


def test_bad_key_is_fatal_names_the_variable_and_stops_further_calls(tmp_path, server, monkeypatch):
    monkeypatch.setenv("ARENA_TEST_KEY", "sk-wrong-key-0123456789")
    server.control(require_api_key="sk-right-key-0123456789")
    _, caller = backend(tmp_path, server, "    api_key_env: ARENA_TEST_KEY\n")
    first = chat(caller)
    assert first.error_class is ErrorClass.FATAL and "ARENA_TEST_KEY" in first.error
    assert "sk-wrong-key" not in first.error
    calls = server.stats()["total"]
    again = chat(caller)
    assert again.error_class is ErrorClass.FATAL and server.stats()["total"] == calls  # no new HTTP call


def test_context_window_is_a_request_error(tmp_path, server):
    server.control(context_limit_chars=10)
    _, caller = backend(tmp_path, server)
    assert chat(caller).error_class is ErrorClass.REQUEST


def test_budget_cap_skips_the_model_once_reached(tmp_path, server):
    _, caller = backend(tmp_path, server, "    input_cost_per_token: 0.01\n    budget_usd: 0.05\n")
    assert chat(caller).ok  # about 0.1 USD: the cap is crossed by this call
    blocked = chat(caller)
    assert blocked.error_class is ErrorClass.BUDGET and "budget" in blocked.error
    assert server.stats()["total"] == 1


def test_extra_parameters_and_constraints_reach_the_server(tmp_path, server):
    path = tmp_path / "models.yaml"
    path.write_text(f"models:\n  - name: litellm_hosted_vllm/test-model\n    api_base: {server.url}\n"
                    "    extra: {top_k: 7}\n")
    t = Tournament.model_validate({"games": [{"name": "tic_tac_toe"}], "format": "match", "litellm_models": str(path),
                                   "players": [{"type": "llm", "model": "litellm_hosted_vllm/test-model"},
                                               {"type": "random"}]})
    caller = prepare(t, use_ray=False).clients["litellm_hosted_vllm/test-model"]
    assert chat(caller, legal_moves=["a1", "b2"], constrain=True).ok
    sent = server.stats()["last_request"]
    assert sent["top_k"] == 7 and sent["structured_outputs"] == {"choice": ["a1", "b2"]}


def schema_moves(sent: dict) -> list:
    """The legal moves of an OpenAI-style response_format JSON schema, as the server received it."""
    fmt = sent["response_format"]
    assert fmt["type"] == "json_schema"
    schema = fmt["json_schema"]["schema"]
    assert schema["required"] == ["action"] and schema["additionalProperties"] is False
    return schema["properties"]["action"]["enum"]


def test_constrain_moves_sends_a_json_schema_where_litellm_knows_the_model_supports_it(tmp_path, server):
    path = tmp_path / "models.yaml"
    path.write_text(f"models:\n  - name: litellm_openai/gpt-4o-mini\n    api_base: {server.url}\n")
    t = Tournament.model_validate({"games": [{"name": "tic_tac_toe"}], "format": "match", "litellm_models": str(path),
                                   "players": [{"type": "llm", "model": "litellm_openai/gpt-4o-mini"},
                                               {"type": "random"}]})
    caller = prepare(t, use_ray=False).clients["litellm_openai/gpt-4o-mini"]
    server.control(wrong_answer_rate=1.0)  # unconstrained, the server answers an illegal move
    result = chat(caller, legal_moves=["a1", "b2"], constrain=True)
    assert result.ok and result.text in {'{"action": "a1"}', '{"action": "b2"}'}  # the server obeyed the schema
    assert schema_moves(server.stats()["last_request"]) == ["a1", "b2"]
    assert server.stats()["constrained"] == 1
    assert chat(caller, legal_moves=["a1", "b2"]).text == '{"action": "zz9"}'  # not asked: not constrained
    assert "response_format" not in server.stats()["last_request"]


def test_constrain_with_on_the_entry_chooses_how_an_unknown_model_is_constrained(tmp_path, server):
    _, caller = backend(tmp_path, server, "    constrain_with: response_format\n")
    assert chat(caller, legal_moves=["a1", "c3"], constrain=True).ok
    assert schema_moves(server.stats()["last_request"]) == ["a1", "c3"]
    _, caller = backend(tmp_path, server, "    constrain_with: structured_outputs\n")
    assert chat(caller, legal_moves=["b2"], constrain=True).ok
    sent = server.stats()["last_request"]
    assert sent["structured_outputs"] == {"choice": ["b2"]} and "response_format" not in sent


def test_a_request_to_constrain_a_model_that_cannot_is_never_sent_unconstrained(tmp_path, server):
    _, caller = backend(tmp_path, server)  # openai/test-model: LiteLLM knows no schema support
    result = chat(caller, legal_moves=["a1"], constrain=True)
    assert result.error_class is ErrorClass.FATAL and "constrain" in result.error
    assert server.stats()["total"] == 0
