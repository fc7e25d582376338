"""Spend and availability of every model in one run: budget caps and fatal errors.

One instance per run; in a cluster a named Ray actor that every gateway reports to.
"""

from __future__ import annotations

from arena.chat import ErrorClass


class Ledger:
    def __init__(self, model_budgets: dict[str, float], total_budget: float | None):
        self.model_budgets, self.total_budget = model_budgets, total_budget
        self.spent: dict[str, float] = {}
        self.fatal: dict[str, str] = {}  # model -> reason (names the key variable where it applies)

    def blocked(self) -> dict[str, tuple[str, str]]:
        """model -> (error class, reason) for every model that may not be called now."""
        out = {m: (ErrorClass.FATAL.value, r) for m, r in self.fatal.items()}
        total = sum(self.spent.values())
        for model, spent in self.spent.items():
            cap = self.model_budgets.get(model)
            if cap is not None and spent >= cap and model not in out:
                out[model] = (ErrorClass.BUDGET.value, f"{model} spent ${spent:.4f} of its ${cap:.4f} budget")
        if self.total_budget is not None and total >= self.total_budget:
            reason = f"the tournament spent ${total:.4f} of its ${self.total_budget:.4f} budget"
            for model in set(self.model_budgets) | set(self.spent):
                out.setdefault(model, (ErrorClass.BUDGET.value, reason))
            out.setdefault("*", (ErrorClass.BUDGET.value, reason))
        return out

    def record(self, model: str, cost_usd: float, fatal: str | None = None) -> dict[str, tuple[str, str]]:
        self.spent[model] = self.spent.get(model, 0.0) + cost_usd
        if fatal and model not in self.fatal:
            self.fatal[model] = fatal
        return self.blocked()

    def report(self) -> dict:
        return {"spent_usd": dict(self.spent), "fatal": dict(self.fatal)}
