"""Bring up what a tournament's models need before episodes start, and hand episodes their backends.

For litellm_* models: one limiter per provider account (provider + api_base + key
identity) and one per model that sets its own limits, a ledger of spend, and
`gateways` gateway actors per account. Without Ray (`arena play`) the same pieces
run in-process.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass, field

from arena.chat import ChatBackend
from arena.config.models import LLMPlayer, ProviderLimits, Tournament
from backends import keys
from backends.ledger import Ledger
from backends.limiter import Limiter
from backends.litellm_models import PREFIX, ModelEntry, find_entry, read_models_file
from backends.secrets import key_fingerprint
from backends.vllm_backend import PREFIX as VLLM_PREFIX
from backends.vllm_backend import VLLMHandleBackend, json_constraint

log = logging.getLogger(__name__)


@dataclass
class BackendPlan:
    clients: dict[str, ChatBackend] = field(default_factory=dict)  # model name -> backend
    ledger: object = None  # Ledger, or its actor handle
    actors: list = field(default_factory=list)  # limiter and ledger actors, kept alive by the driver
    serve_app: str = "arena-llm"  # Serve application of the vllm_* models

    def __reduce__(self):  # tasks need the clients, not the driver's references to every actor
        return BackendPlan, (self.clients, self.ledger, [], self.serve_app)

    def backend_for(self, spec: LLMPlayer) -> ChatBackend:
        if spec.model.startswith(VLLM_PREFIX):
            # One backend per (model, constraint form), built in the process that plays: handles are per process.
            json = json_constraint(spec)
            key = f"{spec.model}|{'json' if json else 'choice'}"
            if key not in self.clients:
                self.clients[key] = VLLMHandleBackend(spec.model, self.serve_app, json_constraint=json)
            return self.clients[key]
        if spec.model in self.clients:
            return self.clients[spec.model]
        from backends.registry import backend_for

        return backend_for(spec)

    def report(self) -> dict:
        """Spend per model and models that could not play (with the key variable to check)."""
        if self.ledger is None:
            return {"spent_usd": {}, "fatal": {}}
        if isinstance(self.ledger, Ledger):
            return self.ledger.report()
        import ray

        return ray.get(self.ledger.report.remote())


def litellm_entries(t: Tournament) -> dict[str, ModelEntry]:
    names = [p.model for p in t.players if isinstance(p, LLMPlayer) and p.model.startswith(PREFIX)]
    if not names:
        return {}
    models = read_models_file(t.litellm_models)
    return {name: find_entry(models, name, t.litellm_models) for name in names}


def _accounts(t: Tournament, entries: dict[str, ModelEntry]) -> dict[tuple, list[tuple[ModelEntry, str]]]:
    accounts: dict[tuple, list] = {}
    for entry in entries.values():
        provider = keys.provider_of(entry)
        key = keys.api_key(entry) or ""
        accounts.setdefault((provider, entry.api_base or "", key_fingerprint(key) if key else ""), []).append((entry, provider))
    return accounts


def _short_hash(*parts: str) -> str:
    """Names an account (endpoint and key fingerprint) without showing either."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:12]


def _limits(t: Tournament, provider: str) -> ProviderLimits:
    return t.providers.get(provider) or ProviderLimits()


def prepare(t: Tournament, use_ray: bool) -> BackendPlan:
    """Backends for every llm player; vllm_* models must already be deployed (cluster/serve_app.py)."""
    plan = _prepare_litellm(t, use_ray)
    plan.serve_app = t.serve.app_name
    return plan


def _prepare_litellm(t: Tournament, use_ray: bool) -> BackendPlan:
    entries = litellm_entries(t)
    if not entries:
        return BackendPlan()
    ledger_args = ({e.arena_name: e.budget_usd for e in entries.values() if e.budget_usd}, t.budget_usd)
    track = bool(ledger_args[0]) or t.budget_usd is not None  # spend goes to the ledger only when a cap needs it
    if not use_ray:
        return _prepare_local(t, entries, Ledger(*ledger_args))
    import ray

    from backends.gateway import LIMITER_NAMESPACE, GatewayActor, GatewayClient, LimiterActor

    run = f"arena-{t.name}-{uuid.uuid4().hex[:8]}"
    ledger_name = f"{run}-ledger"
    ledger = ray.remote(num_cpus=0)(Ledger).options(name=ledger_name).remote(*ledger_args)
    clients: dict[str, ChatBackend] = {}
    keep = [ledger]  # the plan holds every actor so none is collected while the run lasts

    def windowed(name: str, rpm, tpm, window_s) -> list[str]:
        """A shared limiter actor only where a per-window limit needs one; concurrency caps are
        split across the gateways instead (their sum never exceeds the cap), saving two actor
        calls per request. The actor is the account's for the whole cluster (see gateway.py):
        a run that finds it keeps its window and sets the limits this config gives."""
        if not (rpm or tpm):
            return []
        handle = LimiterActor.options(name=name, namespace=LIMITER_NAMESPACE, lifetime="detached",
                                      get_if_exists=True).remote(rpm, tpm, None, window_s)
        previous = ray.get(handle.set_limits.remote(rpm, tpm, window_s))
        if previous != (rpm, tpm, window_s):
            log.warning("%s: limits were rpm=%s tpm=%s per %s s (another run's config); now rpm=%s tpm=%s per %s s "
                        "for every run on this account", name, *previous, rpm, tpm, window_s)
        keep.append(handle)
        return [name]

    for n, ((provider, api_base, fingerprint), members) in enumerate(_accounts(t, entries).items()):
        limits = _limits(t, provider)
        account = f"arena-limiter-{provider}-{_short_hash(api_base, fingerprint)}"
        shared = windowed(account, limits.rpm, limits.tpm, limits.window_s)
        models = [(entry, prov, windowed(f"{account}-{entry.litellm_model}", entry.rpm, entry.tpm,
                                         limits.window_s) + shared)
                  for entry, prov in members]
        # `holder`: the name under which a gateway's leases are held in the shared limiters, so that a
        # restarted gateway ends those of its dead life at once instead of after the limiter's lease_s.
        gateways = [GatewayActor.remote(models, ledger_name, limits.max_concurrency, limits.gateways, track,
                                        holder=f"{run}-gateway-{n}-{i}")
                    for i in range(limits.gateways)]
        for entry, _ in members:
            clients[entry.arena_name] = GatewayClient(entry.arena_name, gateways)
    return BackendPlan(clients, ledger, keep)


def _prepare_local(t: Tournament, entries: dict[str, ModelEntry], ledger: Ledger) -> BackendPlan:
    from backends.gateway import AsyncLedger
    from backends.litellm_caller import LiteLLMCaller

    clients: dict[str, ChatBackend] = {}
    for (provider, _, _), members in _accounts(t, entries).items():
        limits = _limits(t, provider)
        shared = Limiter(limits.rpm, limits.tpm, limits.max_concurrency, limits.window_s)
        for entry, prov in members:
            own = ([Limiter(entry.rpm, entry.tpm, entry.max_concurrency, limits.window_s)]
                   if entry.rpm or entry.tpm or entry.max_concurrency else [])
            clients[entry.arena_name] = LiteLLMCaller(entry, prov, own + [shared], AsyncLedger(ledger), track_spend=True)
    return BackendPlan(clients, ledger)
