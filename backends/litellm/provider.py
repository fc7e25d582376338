"""litellm_* models: check a player, prepare the run's gateways and limits once, hand out clients.

Per run: one limiter per provider account (provider + api_base + key identity) and one per model
that sets its own limits, a ledger of spend, and `gateways` gateway actors per account. Without
Ray (`arena play`) the same pieces run in-process. The bare call is backends/litellm/call.py.
"""

from __future__ import annotations

import hashlib
import logging
import uuid

from arena.chat import ChatBackend
from arena.config.files import shipped
from arena.config.models import LLMPlayer, ProviderLimits, Tournament
from backends import keys
from backends.ledger import Ledger
from backends.limiter import Limiter
from backends.litellm.constraint import Options, check_options
from backends.litellm.models import (
    PREFIX,
    ModelEntry,
    ModelsFileError,
    find_entry,
    read_models_file,
)
from backends.placement import on_head_node
from backends.registry import UnknownModel
from backends.secrets import key_fingerprint

__all__ = ["PREFIX", "Options", "backend", "check", "prepare"]
log = logging.getLogger(__name__)


def check(spec: LLMPlayer, t: Tournament | None) -> None:
    path = t.litellm_models if t else shipped("litellm_models")
    try:
        entry = find_entry(read_models_file(path), spec.model, path)
    except ModelsFileError as e:
        raise UnknownModel(str(e)) from None
    check_options(spec, entry, keys.provider_of(entry), path)
    missing = keys.missing_key(entry)
    if missing:
        raise UnknownModel(f"model '{spec.model}' needs the API key in {missing}; set it in the environment or in ./.env")


def backend(spec: LLMPlayer, plan) -> ChatBackend:
    raise UnknownModel(f"model '{spec.model}' is reached through gateways that backends.plan.prepare brings up, "
                       "which this run did not do for it")


def prepare(t: Tournament, specs: list[LLMPlayer], use_ray: bool, plan) -> None:
    path = t.litellm_models
    models = read_models_file(path)
    entries = {p.model: find_entry(models, p.model, path) for p in specs}
    ledger_args = ({e.arena_name: e.budget_usd for e in entries.values() if e.budget_usd}, t.budget_usd)
    if not use_ray:
        plan.ledger = Ledger(*ledger_args)
        plan.clients.update(_local_clients(t, entries, plan.ledger))
        return
    track = bool(ledger_args[0]) or t.budget_usd is not None  # spend goes to the ledger only when a cap needs it
    _remote_clients(t, entries, ledger_args, track, plan)


def _accounts(entries: dict[str, ModelEntry]) -> dict[tuple, list[tuple[ModelEntry, str]]]:
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


def _remote_clients(t: Tournament, entries: dict[str, ModelEntry], ledger_args: tuple, track: bool, plan) -> None:
    import ray

    from backends.litellm.gateway import (
        LIMITER_NAMESPACE,
        GatewayActor,
        GatewayClient,
        LimiterActor,
    )

    run = f"arena-{t.name}-{uuid.uuid4().hex[:8]}"
    ledger_name = f"{run}-ledger"
    head = on_head_node()  # the run's state outlives any worker node (see backends/placement.py)
    plan.ledger = ray.remote(num_cpus=0)(Ledger).options(name=ledger_name, scheduling_strategy=head).remote(*ledger_args)
    plan.actors.append(plan.ledger)  # the plan holds every actor so none is collected while the run lasts

    def windowed(name: str, rpm, tpm, window_s) -> list[str]:
        """A shared limiter actor only where a per-window limit needs one; concurrency caps are
        split across the gateways instead (their sum never exceeds the cap), saving two actor
        calls per request. The actor is the account's for the whole cluster (see gateway.py):
        a run that finds it keeps its window and sets the limits this config gives."""
        if not (rpm or tpm):
            return []
        handle = LimiterActor.options(name=name, namespace=LIMITER_NAMESPACE, lifetime="detached",
                                      get_if_exists=True, scheduling_strategy=head).remote(rpm, tpm, None, window_s)
        previous = ray.get(handle.set_limits.remote(rpm, tpm, window_s))
        if previous != (rpm, tpm, window_s):
            log.warning("%s: limits were rpm=%s tpm=%s per %s s (another run's config); now rpm=%s tpm=%s per %s s "
                        "for every run on this account", name, *previous, rpm, tpm, window_s)
        plan.actors.append(handle)
        return [name]

    for n, ((provider, api_base, fingerprint), members) in enumerate(_accounts(entries).items()):
        limits = _limits(t, provider)
        account = f"arena-limiter-{provider}-{_short_hash(api_base, fingerprint)}"
        shared = windowed(account, limits.rpm, limits.tpm, limits.window_s)
        models = [(entry, prov, windowed(f"{account}-{entry.litellm_model}", entry.rpm, entry.tpm,
                                         limits.window_s) + shared)
                  for entry, prov in members]
        # `holder`: the name under which a gateway's leases are held in the shared limiters, so that a
        # restarted gateway ends those of its dead life at once instead of after the limiter's lease_s.
        gateways = [GatewayActor.options(scheduling_strategy=head).remote(
                        models, ledger_name, limits.max_concurrency, limits.gateways, track,
                        holder=f"{run}-gateway-{n}-{i}")
                    for i in range(limits.gateways)]
        for entry, _ in members:
            plan.clients[entry.arena_name] = GatewayClient(entry.arena_name, gateways)


def _local_clients(t: Tournament, entries: dict[str, ModelEntry], ledger: Ledger) -> dict[str, ChatBackend]:
    from backends.litellm.call import LiteLLMCall
    from backends.litellm.gateway import AsyncLedger
    from backends.wrapper import Wrapped

    clients: dict[str, ChatBackend] = {}
    for (provider, _, _), members in _accounts(entries).items():
        limits = _limits(t, provider)
        shared = Limiter(limits.rpm, limits.tpm, limits.max_concurrency, limits.window_s)
        for entry, prov in members:
            own = ([Limiter(entry.rpm, entry.tpm, entry.max_concurrency, limits.window_s)]
                   if entry.rpm or entry.tpm or entry.max_concurrency else [])
            clients[entry.arena_name] = Wrapped(LiteLLMCall(entry, prov), own + [shared], AsyncLedger(ledger),
                                                track_spend=True)
    return clients
