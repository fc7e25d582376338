"""Where a run's own actors live: on the head node.

The spend ledger, the account limiters and the LiteLLM gateways hold a run's state (spend, the
requests in each window, leases) and ask for no CPU. Worker nodes come and go (spot machines, an
autoscaler scaling down, a machine lost); the head lasts as long as the cluster does. Left to
Ray's default policy they land on any node, and a lost worker takes them along: a ledger has no
restarts, and a limiter that restarts has lost its window.
"""

from __future__ import annotations

# The resource Ray gives the head node only (also how Ray Serve finds it for its controller).
HEAD_RESOURCE = "node:__internal_head__"


def head_node_id() -> str:
    """The head node's id; the driver's own node where no node says it is the head (a Ray that
    names no head resource): a submitted job's driver runs on the head."""
    import ray

    heads = [n["NodeID"] for n in ray.nodes() if n.get("Alive") and HEAD_RESOURCE in n.get("Resources", {})]
    return heads[0] if heads else ray.get_runtime_context().get_node_id()


def on_head_node():
    """A scheduling strategy for an actor that should outlive any worker node. Hard: a soft affinity
    lets Ray place the actor elsewhere whenever the head looks busy (starting worker processes, say),
    which on a loaded cluster is most of the time. A zero-CPU actor always fits on the head, and the
    head going away ends the cluster anyway."""
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    return NodeAffinitySchedulingStrategy(head_node_id(), soft=False)
