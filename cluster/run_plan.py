"""The plan's one line before `arena run` starts, and its refusal of a run the budget cannot pay for.

The refusal compares the budget with the estimate's low end: only a run that would overspend even if
every answer were legal at once and every game short is refused. Anything less certain is left to the
run's own spend cap (budget_usd stops the LLM episodes once it is reached), so a plan's pessimistic
high end never stops a run that would have fitted.
"""

from __future__ import annotations

from dataclasses import dataclass

from arena.config.errors import ConfigError
from arena.config.models import Tournament

OVER_BUDGET_FLAG = "--over-budget"


class OverBudget(ConfigError):
    """The estimate's low end exceeds budget_usd (exit 2 from the CLI, like any refused config)."""


@dataclass(frozen=True)
class PlanNotice:
    """What `arena run` says of its plan: a line of its own, or for scripted players only a few words
    inside the line that announces the run (a small run's output stays short)."""

    line: str = ""
    inline: str = ""


def plan_notice(t: Tournament, pending: int, over_budget: bool) -> PlanNotice:
    """The estimate of the `pending` episodes still to play; refuses a sure overspend."""
    from arena.plan.show import cost_text, duration, one_line, usd
    from arena.schedule import count
    from backends.plan_cost import plan_tournament

    try:
        plan = plan_tournament(t)
    except ConfigError:
        raise
    except Exception as e:  # noqa: BLE001 - an estimate that fails must not stop a run that would play
        return PlanNotice(line=f"plan: no estimate ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})")
    share = pending / max(1, count(t))  # a resumed run plays only what is missing
    if share < 1:
        plan = _scaled(plan, share, pending)
    if not plan.has_models:
        return PlanNotice(inline=f" (scripted players: {duration(plan.minutes)} of engine time)")
    if (t.budget_usd is not None and len(plan.unpriced) < len(plan.models) and plan.cost_usd.low > t.budget_usd
            and not over_budget):
        raise OverBudget(f"the estimate {cost_text(plan)} exceeds budget_usd {usd(t.budget_usd)} even at its low "
                         f"end; raise budget_usd, play fewer episodes, or pass {OVER_BUDGET_FLAG} to run anyway "
                         "(the budget still stops spending once reached)")
    return PlanNotice(line=one_line(plan))


def _scaled(plan, share: float, pending: int):
    return plan.model_copy(update={
        "episodes": pending, "calls": plan.calls.scaled(share), "cost_usd": plan.cost_usd.scaled(share),
        "minutes": plan.minutes.scaled(share),
    })
