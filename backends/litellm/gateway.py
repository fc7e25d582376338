"""Gateway actors: the LiteLLM models of one provider account, called from async Ray actors on CPU.

Episodes in Ray tasks hold a GatewayClient; it forwards each request to one of the
account's gateway actors, which waits on the account's limiter actor (shared by all
gateways of that account) and then calls the provider.
"""

from __future__ import annotations

import itertools

import ray

from arena.chat import ChatRequest, ChatResult
from backends.limiter import Limiter
from backends.litellm.call import LiteLLMCall
from backends.litellm.models import ModelEntry
from backends.retry import RetryPolicy
from backends.wrapper import Wrapped


class RemoteLimiter:
    """A limiter actor seen through the Limiter interface, by one holder (a gateway) in one life."""

    def __init__(self, handle, holder: str | None = None, epoch: int = 0):
        self.handle, self.holder, self.epoch = handle, holder, epoch

    @classmethod
    def for_holder(cls, handle, holder: str) -> RemoteLimiter:
        """Called as a gateway (re)starts: ends the leases its previous life still holds in the
        limiter, which would otherwise count against the account for `lease_s`."""
        return cls(handle, holder, ray.get(handle.reset_holder.remote(holder)))

    async def acquire(self, tokens: int = 0) -> int:
        return await self.handle.acquire.remote(tokens, self.holder, self.epoch)

    async def release(self, lease: int, tokens: int | None = None) -> None:
        await self.handle.release.remote(lease, tokens)


class AsyncLedger:
    """A Ledger (local object or actor handle) behind one awaitable `record`."""

    def __init__(self, ledger):
        self.ledger = ledger

    async def record(self, model: str, cost: float, fatal: str | None):
        if isinstance(self.ledger, ray.actor.ActorHandle):
            return await self.ledger.record.remote(model, cost, fatal)
        return self.ledger.record(model, cost, fatal)


class Gateway:
    def __init__(self, models: list[tuple[ModelEntry, str, list[str]]], ledger: str, account_cap: int, gateways: int,
                 track_spend: bool, policy: RetryPolicy | None = None, holder: str | None = None):
        """`models`: (entry, provider, names of its windowed limiter actors) for every model of
        the account. Concurrency caps (the account's, and a model's own) are split evenly over
        the account's `gateways`, so their sum never exceeds the cap. `ledger`: the ledger
        actor's name. Names, not handles, so a restarted gateway rebuilds itself from plain
        arguments. `holder`: this gateway's name in the shared limiters; Ray re-runs __init__
        with the same arguments on a restart, which ends the leases the dead life held."""
        ledger_handle = AsyncLedger(ray.get_actor(ledger))
        holder = holder or _actor_id()
        account = Limiter(max_concurrency=max(1, account_cap // gateways))
        shared: dict[str, RemoteLimiter] = {}  # one per limiter actor: several models share the account's
        self.callers = {}
        for entry, provider, limiters in models:
            own = [Limiter(max_concurrency=max(1, entry.max_concurrency // gateways))] if entry.max_concurrency else []
            for n in limiters:
                if n not in shared:
                    handle = ray.get_actor(n, namespace=LIMITER_NAMESPACE)
                    shared[n] = RemoteLimiter.for_holder(handle, holder) if holder else RemoteLimiter(handle)
            remote = [shared[n] for n in limiters]
            self.callers[entry.arena_name] = Wrapped(LiteLLMCall(entry, provider), own + [account] + remote,
                                                     ledger_handle, policy or RetryPolicy(), track_spend)

    async def chat(self, model: str, request: ChatRequest) -> ChatResult:
        return await self.callers[model].chat(request)


def _actor_id() -> str | None:
    """The same across restarts of one actor; None outside an actor."""
    try:
        return ray.get_runtime_context().get_actor_id()
    except Exception:
        return None


# num_cpus=0: waiting on the network takes no core. Restarts without end keep a crashed gateway serving for as
# long as the run lasts (its arguments rebuild it; a crash in __init__ ends it, rather than looping). The run
# places it on the head node (backends/placement.py), so a lost worker node does not take it along.
GatewayActor = ray.remote(num_cpus=0, max_concurrency=100_000, max_restarts=-1, max_task_retries=3)(Gateway)
# Limiters live in one namespace, detached, named after the account: every run on the cluster (every
# submitted job, each in a namespace of its own) shares an account's per-window limits.
LIMITER_NAMESPACE = "arena-limits"


class AccountLimiter(Limiter):
    """An account's limiter as a Ray actor. A restarted life has lost the window with the dead process,
    so it holds every request for one window: the limit holds across the restart."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if ray.get_runtime_context().was_current_actor_reconstructed:
            self.hold_for_window()


# Restarts without end, like a gateway's: every run on the account waits on it. max_task_retries: a call in
# flight when the limiter restarts is sent again (a release of a lease the new life never issued is a no-op),
# rather than failing the request it guards.
LimiterActor = ray.remote(num_cpus=0, max_concurrency=100_000, max_restarts=-1, max_task_retries=3)(AccountLimiter)


class GatewayClient:
    """What an episode in a Ray task holds for a litellm_* model: spreads requests over gateways."""

    def __init__(self, model: str, gateways: list):
        self.model, self.gateways = model, gateways
        self._next = itertools.count()

    def __reduce__(self):  # the counter is per process; a fresh one is fine after pickling
        return GatewayClient, (self.model, self.gateways)

    async def chat(self, request: ChatRequest) -> ChatResult:
        gateway = self.gateways[next(self._next) % len(self.gateways)]
        return await gateway.chat.remote(self.model, request)
