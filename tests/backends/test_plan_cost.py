"""What the backends tell the plan: prices (models file, LiteLLM's cost map, unknown) and a cost range
that brackets what the simulated backend really spends."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from arena.config.models import Tournament
from arena.plan.estimate import plan
from arena.schedule import episodes
from arena.shard import play_shard
from backends.plan import prepare
from backends.plan_cost import group_limits, model_facts, plan_tournament

PRICE_IN, PRICE_OUT = 1e-6, 2e-6


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_cost_range_brackets_what_a_simulated_run_spends():
    # Tic-tac-toe against random, a third of the answers illegal (re-prompted), priced as given here:
    # the simulated backend counts characters / 4 as the plan does for it.
    t = Tournament.model_validate({"name": "p", "games": [{"name": "tic_tac_toe"}], "episodes_per_pairing": 20,
                                   "players": [{"type": "llm", "model": "simulated_a", "max_tokens": 64,
                                                "backend_options": {"illegal_rate": 0.3}}, {"type": "random"}]})

    def priced(p, t):
        return dataclasses.replace(model_facts(p, t), price_in=PRICE_IN, price_out=PRICE_OUT)

    estimate = plan(t, priced, group_limits).models[0]
    tables = asyncio.run(play_shard(t, list(episodes(t)), prepare(t, use_ray=False).backend_for))
    moves = tables["moves"].to_pandas()
    calls = moves[moves.player == "simulated_a"].dropna(subset=["raw_response"])
    prompt, completion = int(calls.prompt_tokens.sum()), int(calls.completion_tokens.sum())
    spent = prompt * PRICE_IN + completion * PRICE_OUT
    assert estimate.calls.low <= len(calls) <= estimate.calls.high
    assert estimate.prompt_tokens.low <= prompt <= estimate.prompt_tokens.high
    assert estimate.completion_tokens.low <= completion <= estimate.completion_tokens.high
    assert estimate.cost_usd.low <= spent <= estimate.cost_usd.high


def litellm_tournament(tmp_path, models: str, model: str) -> Tournament:
    (tmp_path / "models.yaml").write_text(models)
    return Tournament.model_validate({"games": [{"name": "tic_tac_toe"}], "litellm_models": str(tmp_path / "models.yaml"),
                                      "providers": {"hosted_vllm": {"rpm": 60}},
                                      "players": [{"type": "llm", "model": model}, {"type": "random"}]})


def test_models_file_prices_win_and_an_unknown_model_is_unknown(tmp_path):
    models = ("models:\n  - name: litellm_hosted_vllm/priced\n    api_base: http://127.0.0.1:9/v1\n"
              "    input_cost_per_token: 0.001\n    output_cost_per_token: 0.002\n"
              "  - name: litellm_hosted_vllm/unpriced\n    api_base: http://127.0.0.1:9/v1\n")
    priced = plan_tournament(litellm_tournament(tmp_path, models, "litellm_hosted_vllm/priced"))
    assert priced.models[0].price_source == "models file" and priced.cost_usd.low > 0
    assert priced.time[0].group == "hosted_vllm" and "rpm 60" in priced.time[0].bounds
    unpriced = plan_tournament(litellm_tournament(tmp_path, models, "litellm_hosted_vllm/unpriced"))
    assert unpriced.models[0].cost_usd is None and unpriced.models[0].price_source == "unknown"
    assert unpriced.unpriced == ["litellm_hosted_vllm/unpriced"]


def test_cost_map_prices_a_model_it_knows(tmp_path):
    p = plan_tournament(litellm_tournament(tmp_path, "models:\n  - litellm_gpt-4o-mini\n", "litellm_gpt-4o-mini"))
    assert p.models[0].price_source == "LiteLLM cost map"
    assert 0 < p.cost_usd.low < p.cost_usd.high
    assert p.models[0].token_method == "LiteLLM token_counter"
