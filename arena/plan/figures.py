"""The figures of a tournament's plan: typed, with ranges as {low, high}, ready for a table or JSON."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Range(BaseModel):
    """A figure known only within bounds."""

    model_config = ConfigDict(frozen=True)

    low: float = Field(description="The least it can plausibly be.")
    high: float = Field(description="The most it can plausibly be.")

    def __add__(self, other: Range) -> Range:
        return Range(low=self.low + other.low, high=self.high + other.high)

    def scaled(self, by: float) -> Range:
        return Range(low=self.low * by, high=self.high * by)


ZERO = Range(low=0.0, high=0.0)


class GamePlan(BaseModel):
    game: str = Field(description="Game with its parameters.")
    episodes: int = Field(description="Episodes of this game in the schedule.")
    decisions_per_seat: list[Range] = Field(
        description="Per seat: 10th-90th percentile of decisions in one random-vs-random playout.")
    playouts: int = Field(description="Playouts the lengths were measured on.")


class ModelPlan(BaseModel):
    player: str = Field(description="Player display name.")
    model: str = Field(description="Model name with its backend prefix.")
    calls: Range = Field(description="Model calls: every answer legal at once (low) to every decision using "
                                     "max_illegal_attempts calls in a long game (high).")
    calls_typical: float = Field(description="Mean game length, half the re-prompts allowed: a middle, not a forecast.")
    prompt_tokens: Range = Field(description="Prompt tokens of all its calls.")
    completion_tokens: Range = Field(description="Completion tokens: the shortest JSON answer (low) to max_tokens (high).")
    token_method: str = Field(description="How tokens were counted.")
    cost_usd: Range | None = Field(description="Spend in USD; None where no price is known (never taken as 0).")
    price_source: str = Field(description="Where the price comes from, or 'unknown'.")
    group: str = Field(description="Provider account or deployment whose limits its calls share.")


class TimePlan(BaseModel):
    group: str = Field(description="Provider, vLLM deployment, simulated model or the engine.")
    minutes: Range = Field(description="Wall time this group alone needs: the largest of its bounds.")
    limited_by: str = Field(description="The bound that sets it (the one with the largest high end).")
    bounds: dict[str, Range] = Field(description="Every bound considered, in minutes.")


class Plan(BaseModel):
    tournament: str = Field(description="Tournament name.")
    episodes: int = Field(description="Episodes in the schedule (arena.schedule.count).")
    games: list[GamePlan] = Field(description="Per game.")
    models: list[ModelPlan] = Field(description="Per llm player.")
    calls: Range = Field(description="Model calls of all players.")
    prompt_tokens: Range = Field(description="Prompt tokens of all players.")
    completion_tokens: Range = Field(description="Completion tokens of all players.")
    cost_usd: Range = Field(description="Spend of the players whose price is known.")
    unpriced: list[str] = Field(description="Models whose price is unknown: cost_usd leaves them out.")
    budget_usd: float | None = Field(description="The tournament's budget_usd.")
    time: list[TimePlan] = Field(description="Per group; groups run side by side.")
    minutes: Range = Field(description="Wall time: the slowest group.")
    limited_by: str = Field(description="What sets the wall time: group and bound.")
    assumptions: list[str] = Field(description="What the figures assume that the config does not say.")

    @property
    def has_models(self) -> bool:
        return bool(self.models)
