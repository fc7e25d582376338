"""Bring up what a tournament's models need before episodes start, and hand episodes their backends.

Each provider (backends/registry.py) prepares its players once per run: LiteLLM's limiters,
ledger and gateway actors; nothing for vLLM (its deployments come up in cluster/serve_app.py)
or the simulated stand-in. Without Ray (`arena play`) the same pieces run in-process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from arena.chat import ChatBackend
from arena.config.models import LLMPlayer, Tournament
from backends import registry
from backends.ledger import Ledger


@dataclass
class BackendPlan:
    clients: dict[str, ChatBackend] = field(default_factory=dict)  # model name (or per-spec key) -> backend
    ledger: object = None  # Ledger, or its actor handle
    actors: list = field(default_factory=list)  # limiter and ledger actors, kept alive by the driver
    serve_app: str = "arena-llm"  # Serve application of the vllm_* models

    def __reduce__(self):  # tasks need the clients, not the driver's references to every actor
        return BackendPlan, (self.clients, self.ledger, [], self.serve_app)

    def backend_for(self, spec: LLMPlayer) -> ChatBackend:
        if spec.model in self.clients:  # prepared once per run for the whole model (LiteLLM gateways)
            return self.clients[spec.model]
        # Built in the process that plays (handles are per process), once per model and options.
        key = f"{spec.model}|{json.dumps(spec.backend_options, sort_keys=True)}"
        if key not in self.clients:
            self.clients[key] = registry.provider(spec.model).backend(spec, self)
        return self.clients[key]

    def report(self) -> dict:
        """Spend per model and models that could not play (with the key variable to check)."""
        if self.ledger is None:
            return {"spent_usd": {}, "fatal": {}}
        if isinstance(self.ledger, Ledger):
            return self.ledger.report()
        import ray

        return ray.get(self.ledger.report.remote())


def prepare(t: Tournament, use_ray: bool) -> BackendPlan:
    """Backends for every llm player; vllm_* models must already be deployed (cluster/serve_app.py)."""
    plan = BackendPlan(serve_app=t.serve.app_name)
    by_prefix: dict[str, list[LLMPlayer]] = {}
    for p in t.players:
        if isinstance(p, LLMPlayer):
            by_prefix.setdefault(registry.prefix_of(p.model), []).append(p)
    for prefix, specs in by_prefix.items():
        registry.provider(prefix).prepare(t, specs, use_ray, plan)
    return plan
