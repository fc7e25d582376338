"""ArenaLLMServer on a real Ray Serve with real vLLM (CPU) and the tiny random-weight model: the lean token-ids
path the players use gives what vLLM's own chat route gives for the same request, and refuses what it refuses.
"""

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from arena.chat import ChatRequest, ErrorClass, Sampling

ROOT = Path(__file__).parents[2]
TINY = ROOT / "models" / "tiny-llama"
APP = "arena-server-test"
pytestmark = pytest.mark.vllm

MESSAGES = [{"role": "system", "content": "You play tic-tac-toe. Answer with one legal move."},
            {"role": "user", "content": "Board:\n...\n.x.\n...\nLegal moves: a1, a3, b2, c3. Your move?"}]


@pytest.fixture(scope="module")
def served():
    import ray
    from ray import serve
    from ray.serve.llm import build_openai_app

    from backends.vllm.models import VLLMEntry
    from backends.vllm.serve_config import llm_config

    if not (TINY / "config.json").exists():
        subprocess.run([sys.executable, "-m", "backends.vllm.tiny_model", str(TINY)], check=True, cwd=ROOT)
    entry = VLLMEntry(name="vllm_tiny", model_path=str(TINY), tokenizer_path=str(TINY), max_model_len=512,
                      engine_kwargs={"enforce_eager": True})
    ray.init(address="local", num_cpus=4, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"VLLM_LOGGING_LEVEL": "WARNING"}})
    try:
        serve.run(build_openai_app({"llm_configs": [llm_config(entry, gpu_available=False)]}), name=APP,
                  route_prefix=None)
        yield
    finally:
        serve.shutdown()
        ray.shutdown()


def call(json_constraint: bool = False):
    from backends.vllm.call import VLLMCall

    return VLLMCall("vllm_tiny", APP, json_constraint=json_constraint)


def chat_route(request: ChatRequest, json_constraint: bool = False):
    """The same request through Serve LLM's own chat method (what the OpenAI route runs)."""
    from ray import serve
    from vllm.entrypoints.openai.chat_completion.protocol import (
        ChatCompletionRequest,
    )

    from backends.vllm.call import constraint

    s = request.sampling
    body = dict(model="tiny", messages=request.messages, temperature=s.temperature, top_p=s.top_p,
                max_tokens=s.max_tokens, seed=s.seed)
    if request.constrain:
        body["structured_outputs"] = constraint(request, json_constraint)
    handle = serve.get_deployment_handle(call().deployment(), app_name=APP).options(stream=True)

    async def ask():
        return [r async for r in handle.chat.remote(ChatCompletionRequest(**body))][-1]

    return asyncio.run(ask())


@pytest.mark.parametrize("constrain,json_constraint,temperature", [
    (False, False, 1.0), (True, False, 1.0), (True, True, 0.7), (False, False, 0.0)])
def test_same_answer_as_the_chat_route(served, constrain, json_constraint, temperature):
    """Seeded sampling from a random-weight model: the same tokens only from the same prompt tokens, sampling
    settings and decoding; so this also checks the players' chat template and tokenising against vLLM's."""
    request = ChatRequest(messages=MESSAGES, legal_moves=["a1", "a3", "b2", "c3"], constrain=constrain,
                          sampling=Sampling(temperature=temperature, max_tokens=24, seed=7))
    reply = asyncio.run(call(json_constraint)(request))
    route = chat_route(request, json_constraint)
    assert reply.text == route.choices[0].message.content
    assert (reply.prompt_tokens, reply.completion_tokens) == (route.usage.prompt_tokens, route.usage.completion_tokens)
    assert reply.prompt_tokens > 20 and reply.completion_tokens > 0
    if constrain and not json_constraint:
        assert reply.text in request.legal_moves


def test_a_prompt_over_the_context_is_a_request_error(served):
    from backends.vllm.call import VLLMError

    long = [{"role": "user", "content": "move " * 600}]
    with pytest.raises(VLLMError) as refused:
        asyncio.run(call()(ChatRequest(messages=long, sampling=Sampling(max_tokens=8))))
    classified = call().classify(refused.value)
    assert classified.error_class == ErrorClass.REQUEST and "context length" in classified.message


def test_bad_sampling_is_a_request_error(served):
    from backends.vllm.call import VLLMError

    with pytest.raises(VLLMError) as refused:
        asyncio.run(call()(ChatRequest(messages=MESSAGES, sampling=Sampling(top_p=7.0, max_tokens=8))))
    assert call().classify(refused.value).error_class == ErrorClass.REQUEST and "top_p" in str(refused.value)


def test_prefix_caching_on_and_stats_off(served):
    from ray import serve

    facts = serve.get_deployment_handle(call().deployment(), app_name=APP).serving_facts.remote().result()
    assert facts == {"prefix_caching": True, "max_model_len": 512, "log_stats": False}
