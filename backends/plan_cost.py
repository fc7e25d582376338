"""What the backends know that a tournament's plan needs: each model's price, how to count its tokens,
and the limits its calls share (provider account, vLLM deployment, simulated stand-in).

Nothing here calls a network: prices come from the models file entry or LiteLLM's offline cost map
(`LITELLM_LOCAL_MODEL_COST_MAP=True`), tokens from LiteLLM's token_counter or characters / 4.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from arena.agents.prompts import Messages
from arena.config.models import LLMPlayer, ProviderLimits, Tournament
from arena.plan.estimate import GroupLimits, ModelFacts, plan
from arena.plan.figures import Plan, Range
from backends import registry

# Hosted API models answering a short JSON move: an assumption, not a measurement; a config's rpm,
# tpm and max_concurrency are the real limits and win whenever they bind first.
API_LATENCY_S = Range(low=0.5, high=2.0)
# One gateway actor serves about 145 requests/s (bench/litellm_throughput.py, docs/benchmarks.md).
GATEWAY_REQUESTS_PER_S = 145.0
# Prompt and completion tokens/s one replica of an 8B-class model serves on one GPU: docs/benchmarks.md's
# "a few thousand prompt tokens/s per mid-size GPU", not measured on a GPU by this project.
VLLM_TOKENS_PER_S_PER_REPLICA = Range(low=2_000, high=5_000)
CHARS_PER_TOKEN = 4

ASSUMPTIONS = {
    registry.LITELLM: f"API latency {API_LATENCY_S.low:g}-{API_LATENCY_S.high:g} s per call (assumed; the config's "
                      f"rpm, tpm and max_concurrency win where they bind); one gateway serves about "
                      f"{GATEWAY_REQUESTS_PER_S:g} requests/s (bench/litellm_throughput.py)",
    registry.VLLM: f"vLLM capacity {VLLM_TOKENS_PER_S_PER_REPLICA.low:,.0f}-{VLLM_TOKENS_PER_S_PER_REPLICA.high:,.0f} "
                   "tokens/s per replica (assumed for an 8B-class model on one GPU; measure yours)",
}


def chars_over_4(messages: Messages) -> int:
    return sum(len(m["content"]) // CHARS_PER_TOKEN for m in messages)


def model_facts(spec: LLMPlayer, t: Tournament) -> ModelFacts:
    prefix = registry.prefix_of(spec.model)
    if prefix == registry.LITELLM:
        return _litellm_facts(spec, t)
    if prefix == registry.VLLM:
        # A self-hosted model costs GPU time, not a per-token price.
        return ModelFacts(0.0, 0.0, "self-hosted (no per-token price)", chars_over_4, "characters / 4", spec.model)
    return ModelFacts(0.0, 0.0, "simulated (spends nothing)", chars_over_4, "characters / 4", spec.model)


def group_limits(group: str, t: Tournament) -> GroupLimits:
    if group.startswith(registry.SIMULATED):
        latency = _simulated_latency(t, group)
        return GroupLimits(concurrency=t.episode_concurrency, latency_s=Range(low=latency, high=latency),
                           notes=(f"{group}: its latency_ms, episode_concurrency={t.episode_concurrency} "
                                  "episodes in flight per task",))
    if group.startswith(registry.VLLM):
        return GroupLimits(tokens_per_s=_vllm_capacity(group, t),
                           notes=(ASSUMPTIONS[registry.VLLM],))
    limits = t.providers.get(group) or ProviderLimits()
    own = {}
    for entry in _litellm_entries(t):
        if entry.rpm or entry.tpm or entry.max_concurrency:
            own[entry.arena_name] = GroupLimits(rpm=entry.rpm, tpm=entry.tpm, concurrency=entry.max_concurrency,
                                                latency_s=API_LATENCY_S)
    return GroupLimits(rpm=limits.rpm, tpm=limits.tpm, concurrency=limits.max_concurrency, latency_s=API_LATENCY_S,
                       requests_per_s=limits.gateways * GATEWAY_REQUESTS_PER_S, per_model=own,
                       notes=(ASSUMPTIONS[registry.LITELLM],))


def _simulated_latency(t: Tournament, model: str) -> float:
    from backends.simulated import check

    return max((check(p).latency_ms / 1000 for p in t.players if isinstance(p, LLMPlayer) and p.model == model),
               default=0.0)


def _vllm_capacity(model: str, t: Tournament) -> Range:
    from backends.vllm.models import find_vllm_entry, read_vllm_models

    entry = find_vllm_entry(read_vllm_models(t.vllm_models), model, t.vllm_models)
    if entry.autoscaling is not None:
        low, high = max(1, entry.autoscaling.min_replicas), entry.autoscaling.max_replicas
    else:
        low = high = entry.num_replicas or 1
    per = VLLM_TOKENS_PER_S_PER_REPLICA
    return Range(low=per.low * low, high=per.high * high)


def _litellm_entries(t: Tournament):
    from backends.litellm.models import find_entry, read_models_file

    models = read_models_file(t.litellm_models)
    names = dict.fromkeys(p.model for p in t.players if isinstance(p, LLMPlayer)
                          and p.model.startswith(registry.LITELLM))
    return [find_entry(models, name, t.litellm_models) for name in names]


def _litellm_facts(spec: LLMPlayer, t: Tournament) -> ModelFacts:
    from backends.litellm.models import find_entry, read_models_file

    entry = find_entry(read_models_file(t.litellm_models), spec.model, t.litellm_models)
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # the packaged map: no fetch at run time
    import litellm

    from backends.keys import provider_of

    try:
        provider = provider_of(entry)
    except Exception:  # noqa: BLE001 - LiteLLM raises several kinds for a model it cannot place
        provider = entry.litellm_model.split("/", 1)[0]
    if entry.input_cost_per_token is not None or entry.output_cost_per_token is not None:
        price_in, price_out, source = entry.input_cost_per_token, entry.output_cost_per_token, "models file"
    else:
        price_in, price_out, source = _cost_map_price(litellm, entry.litellm_model)
    count, method = _litellm_counter(litellm, entry.litellm_model)
    return ModelFacts(price_in, price_out, source, count, method, provider)


def _cost_map_price(litellm, model: str) -> tuple[float | None, float | None, str]:
    try:
        info = litellm.get_model_info(model)
    except Exception:  # noqa: BLE001 - not in the map
        return None, None, "unknown"
    price_in, price_out = info.get("input_cost_per_token"), info.get("output_cost_per_token")
    if price_in is None and price_out is None:
        return None, None, "unknown"
    return price_in, price_out, "LiteLLM cost map"


def _litellm_counter(litellm, model: str) -> tuple[Callable[[Messages], int], str]:
    """LiteLLM's count with the tokenizer it ships (tiktoken); for a model whose own tokenizer it would
    download from Hugging Face (llama, cohere, ...), the shipped one stands in: no network at run time."""
    kind = getattr(litellm.utils, "huggingface_tokenizer_kind", lambda m: "unknown")(model)
    method = "LiteLLM token_counter" + (f" (tiktoken standing in for the {kind} tokenizer)" if kind else "")

    def count(messages: Messages) -> int:
        before = litellm.disable_hf_tokenizer_download
        litellm.disable_hf_tokenizer_download = True
        try:
            return int(litellm.token_counter(model=model, messages=messages))
        except Exception:  # noqa: BLE001 - a tokenizer it cannot load: fall back to the rough count
            return chars_over_4(messages)
        finally:
            litellm.disable_hf_tokenizer_download = before

    return count, method


def plan_tournament(t: Tournament) -> Plan:
    """The plan of `t` with what the backends know of its models."""
    from arena.config.errors import ConfigError

    try:
        return plan(t, model_facts, group_limits)
    except registry.UnknownModel as e:
        raise ConfigError(str(e)) from None
