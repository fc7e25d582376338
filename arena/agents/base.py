"""The agent interface: given a turn, decide an action and account for every attempt."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

import pyspiel

from arena.chat import ErrorClass
from arena.games.base import Game


@dataclass(slots=True)
class Turn:
    """Everything an agent may use to choose one action."""

    game: Game
    state: pyspiel.State
    player: int  # seat index
    rng: random.Random  # this seat's rng for this episode
    move_number: int  # decisions already taken in the episode


@dataclass(slots=True)
class Attempt:
    """One try at a move: becomes one row of the moves table.

    Scripted agents make exactly one attempt per decision. The LLM agent makes
    one per model call, plus a final `fallback='random'` attempt if it gave up
    under on_illegal=random.
    """

    action: int | None  # parsed action id, None when nothing legal was parsed
    label: str = ""  # the renderer's label of the move (what a model sees and names)
    spiel_action: str = ""  # OpenSpiel's action_to_string of `action` when legal (set by the episode loop)
    legal: bool = True
    prompt: str = ""
    raw_response: str = ""
    parser_path: str = ""  # which parsing rule matched, e.g. json, label_scan
    error: str = ""  # why this attempt was rejected, as told to the model
    error_class: str = ""  # backend ErrorClass value, "" when the call succeeded
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_s: float = 0.0
    cost_usd: float = 0.0
    fallback: str = ""  # "random" when the arena, not the player, chose this move
    reasoning: str = ""


@dataclass(slots=True)
class Decision:
    """The outcome of a turn: an action, or a forfeit (action None)."""

    action: int | None
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def forfeit(self) -> bool:
        return self.action is None


class FailureKind(Enum):
    """Why a player could not take its turn; decides how the episode is recorded."""

    UNAVAILABLE = "unavailable"  # FATAL: bad key, unknown model; the episode is an error
    GAVE_UP = "gave_up"  # RATE_LIMITED / TRANSIENT that outlived the backend's retries; an error
    SKIPPED = "skipped"  # BUDGET: the model may not play any more, no call was made; skipped


FAILURE_KINDS = {
    ErrorClass.FATAL: FailureKind.UNAVAILABLE,
    ErrorClass.RATE_LIMITED: FailureKind.GAVE_UP,
    ErrorClass.TRANSIENT: FailureKind.GAVE_UP,
    ErrorClass.BUDGET: FailureKind.SKIPPED,
}
"""The backend error classes that end an episode (REQUEST only costs an attempt)."""


class PlayerFailure(Exception):
    """A player could not take its turn: the episode ends, recorded as its kind says.

    Carries the attempts made so far in this decision, so the episode loop records them
    (a failed call is still a row of the moves table). `str()` is "<error class>: <message>".
    """

    def __init__(self, error_class: ErrorClass, message: str, attempts: Sequence[Attempt] = ()) -> None:
        if error_class not in FAILURE_KINDS:
            raise ValueError(f"error class {error_class.value!r} does not end an episode")
        super().__init__(f"{error_class.value}: {message}")
        self.kind: FailureKind = FAILURE_KINDS[error_class]
        self.error_class: ErrorClass = error_class
        self.message: str = message
        self.attempts: list[Attempt] = list(attempts)


class Agent(Protocol):
    """A player. One instance plays one seat of one episode at a time.

    `act` returns a Decision, or raises PlayerFailure when the player cannot play at all.
    """

    async def act(self, turn: Turn) -> Decision: ...
