"""A person at the terminal, playing through the same Agent interface as every other player."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from typing import TextIO

from arena.agents.base import Attempt, Decision, Turn


class HumanAgent:
    """Shows the observation and the legal moves, then reads a label or an action id.

    A bad entry is recorded as an illegal attempt and asked again with the reason;
    closed input (EOF, e.g. Ctrl-D) forfeits, since nobody is left to move.
    """

    def __init__(
        self,
        input_fn: Callable[[str], str] = input,
        out: TextIO | None = None,
        prompt: str = "Your move (label or id): ",
    ) -> None:
        self._input = input_fn
        self._out = out
        self._prompt = prompt

    def _print(self, text: str = "") -> None:
        # Resolved per call so pytest's capsys (which swaps sys.stdout) sees the output.
        print(text, file=self._out or sys.stdout, flush=True)

    async def act(self, turn: Turn) -> Decision:
        renderer = turn.game.renderer
        observation = renderer.observation(turn.state, turn.player)
        moves = renderer.legal_moves(turn.state, turn.player)
        labels = dict(moves)
        self._print(observation)
        self._print("Legal moves: " + ", ".join(f"{label} ({action})" for action, label in moves))
        attempts: list[Attempt] = []
        while True:
            started = time.monotonic()
            try:
                # In a thread: a blocking read would stall every other episode on this event loop.
                text = (await asyncio.to_thread(self._input, self._prompt)).strip()
            except EOFError:
                attempts.append(Attempt(None, legal=False, prompt=observation, parser_path="human", error="input closed"))
                self._print("Input closed: forfeiting.")
                return Decision(None, attempts)
            if not text:  # a bare Enter is not a move attempt
                continue
            latency = time.monotonic() - started
            action, path = renderer.parse(turn.state, turn.player, text), "label"
            if action is None and text.lstrip("-").isdigit() and int(text) in labels:
                action, path = int(text), "id"  # labels win, so a numeric label is never read as an id
            if action is not None and action in labels:
                attempts.append(Attempt(action, label=labels[action], prompt=observation, raw_response=text,
                                        parser_path=path, latency_s=latency))
                return Decision(action, attempts)
            error = (f"{text} is not the id of a legal move" if text.lstrip("-").isdigit()
                     else f"'{text}' is not a legal move")
            error += "; type one of the labels or ids listed above"
            attempts.append(Attempt(None, legal=False, prompt=observation, raw_response=text,
                                    parser_path="human", error=error, latency_s=latency))
            self._print(error)
