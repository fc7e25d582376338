"""A person at the terminal, playing through the same Agent interface as every other player."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

import pyspiel

from arena.agents.base import Attempt, Decision, Turn
from arena.games.base import Renderer


def move_names(renderer: Renderer, state: pyspiel.State, player: int) -> tuple[str, list[tuple[int, str]]]:
    """A caption and (action, name) for each legal move, as a person names it: the renderer's
    `human_moves` where it has them (chess: SAN, which players know better than UCI), else its labels."""
    own = getattr(renderer, "human_moves", None)
    return own(state, player) if own else ("Legal moves", renderer.legal_moves(state, player))


class HumanAgent:
    """Shows the observation and the legal moves, then reads a move: a name from the list or
    anything the renderer's `parse` accepts (chess: SAN or UCI).

    Action ids are accepted only where the game has no tailored renderer, whose labels are
    OpenSpiel's own action strings and can be long; a tailored game's labels are short, and an
    id would only be one more thing to mistype (connect_four's column 4 is action 3).
    A bad entry is recorded as an illegal attempt and asked again with a one-line hint;
    closed input (EOF, e.g. Ctrl-D) forfeits, since nobody is left to move.
    """

    def __init__(
        self,
        input_fn: Callable[[str], str] = input,
        out: TextIO | None = None,
        prompt: str | None = None,
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
        labels = dict(renderer.legal_moves(turn.state, turn.player))
        caption, names = move_names(renderer, turn.state, turn.player)
        ids = not turn.game.tailored
        self._print(observation)
        self._print(f"{caption}: " + ", ".join(f"{name} ({action})" if ids else name for action, name in names))
        prompt = self._prompt or ("Your move (name or id): " if ids else "Your move: ")
        attempts: list[Attempt] = []
        while True:
            started = time.monotonic()
            try:
                text = (await _read_line(self._input, prompt)).strip()
            except EOFError:
                attempts.append(Attempt(None, legal=False, prompt=observation, parser_path="human", error="input closed"))
                self._print("Input closed: forfeiting.")
                return Decision(None, attempts)
            if not text:  # a bare Enter is not a move attempt
                continue
            latency = time.monotonic() - started
            action, path = renderer.parse(turn.state, turn.player, text), "label"
            if action is None and ids and text.lstrip("-").isdigit() and int(text) in labels:
                action, path = int(text), "id"  # labels win, so a numeric label is never read as an id
            if action is not None and action in labels:
                attempts.append(Attempt(action, label=labels[action], prompt=observation, raw_response=text,
                                        parser_path=path, latency_s=latency))
                return Decision(action, attempts)
            error = (f"{text} is not the id of a legal move" if ids and text.lstrip("-").isdigit()
                     else f"'{text}' is not a legal move")
            error += "; type one of the moves listed above"
            attempts.append(Attempt(None, legal=False, prompt=observation, raw_response=text,
                                    parser_path="human", error=error, latency_s=latency))
            self._print(error)


async def _read_line(read: Callable[[str], str], prompt: str) -> str:
    """`read(prompt)` in a daemon thread. A blocking read on the event loop would stall every other
    episode and a Ctrl-C with it; and unlike an executor's thread, a read abandoned by Ctrl-C does
    not keep the process from exiting."""
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[str] = loop.create_future()

    def settle(text: str | None, error: Exception | None) -> None:
        if answer.done():  # cancelled: the game was abandoned while the person typed
            return
        if error is not None:
            answer.set_exception(error)
        else:
            answer.set_result(text or "")

    def work() -> None:
        text, error = None, None
        try:
            text = read(prompt)
        except Exception as e:  # noqa: BLE001 - EOFError above all; handed to the waiting coroutine
            error = e
        try:
            loop.call_soon_threadsafe(settle, text, error)
        except RuntimeError:  # the loop is closed: nobody waits for this line any more
            pass

    threading.Thread(target=work, name="human-input", daemon=True).start()
    return await answer
