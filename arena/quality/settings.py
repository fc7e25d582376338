"""The settings of one move-quality computation: the evaluators' (engine, search limit, solver bound)
and the summary's (bootstrap rounds, seed, interval level)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class QualitySettings(BaseModel):
    """What `arena quality` and `quality: true` evaluate with. The evaluators record their part of it with
    every row, so a change here is a new evaluation, never mixed with the old one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    engine: str = Field(default="stockfish", description="UCI engine command that judges chess moves.")
    depth: int | None = Field(default=12, gt=0, description="Chess: search depth per position (unset with nodes).")
    nodes: int | None = Field(default=None, gt=0, description="Chess: nodes per position instead of a depth.")
    cp_cap: int = Field(default=1000, gt=0, description="Chess: centipawn loss of one move is capped at this.")
    max_states: int = Field(
        default=1_000_000, gt=0,
        description="Solver: a perfect-information game is solved only when it has at most this many states.")
    rounds: int = Field(default=1000, ge=0, description="Summary: bootstrap rounds over episodes (0: no intervals).")
    seed: int = Field(default=0, description="Summary: seed of the bootstrap.")
    level: float = Field(default=0.95, gt=0, lt=1, description="Summary: confidence level of the intervals.")

    @model_validator(mode="before")
    @classmethod
    def _nodes_replace_depth(cls, data: Any) -> Any:
        """A node limit given alone replaces the default depth; both given is an error."""
        if isinstance(data, dict) and data.get("nodes") is not None:
            if data.get("depth") is not None:
                raise ValueError("depth and nodes: give one search limit, not both")
            data = {**data, "depth": None}
        return data

    @model_validator(mode="after")
    def _one_limit(self) -> QualitySettings:
        if self.depth is None and self.nodes is None:
            raise ValueError("depth or nodes: chess needs a search limit")
        return self
