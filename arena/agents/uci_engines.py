"""UCI engine subprocesses shared by the episodes of one worker process.

One engine per (player spec, seat), started on first use and kept for every later episode of
the process. Each Ray task runs its shard under a fresh `asyncio.run`, and a subprocess belongs
to the event loop that started it, so the engines live on a loop of their own in a daemon
thread; callers on any loop await them through `play`. Episodes run concurrently, so an
asyncio lock per engine keeps one search at a time. A dead engine is restarted once per move;
one that dies again, or cannot start, raises EngineUnavailable.
"""

from __future__ import annotations

import asyncio
import atexit
import shutil
import threading
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import chess
import chess.engine

INSTALL_HINT = ("install Stockfish: apt-get install stockfish (Debian/Ubuntu), brew install stockfish (macOS), "
                "or set engine: to its path")
_EXTRA_PATH = "/usr/games:/usr/local/games"  # where Debian installs Stockfish, often missing from a worker's PATH
START_TIMEOUT_S = 30.0
_QUIT_TIMEOUT_S = 2.0
SEARCH_TIMEOUT_S = 120.0  # beyond any search limit's own time: the engine hangs

T = TypeVar("T")


class EngineUnavailable(Exception):
    """The engine cannot start, or died again right after a restart; the message is one line."""


def engine_path(command: str) -> str | None:
    """The executable `command` names (a name on PATH or in /usr/games, or a path), None when absent."""
    return shutil.which(command) or (None if "/" in command else shutil.which(command, path=_EXTRA_PATH))


async def start_engine(command: str, options: Mapping[str, Any]) -> tuple[asyncio.SubprocessTransport,
                                                                          chess.engine.UciProtocol]:
    """A configured engine, or EngineUnavailable saying why not."""
    path = engine_path(command)
    if path is None:
        raise EngineUnavailable(f"chess engine '{command}' not found; {INSTALL_HINT}")
    try:
        transport, protocol = await asyncio.wait_for(chess.engine.popen_uci(path), START_TIMEOUT_S)
    except (TimeoutError, OSError, chess.engine.EngineError) as e:
        raise EngineUnavailable(f"chess engine '{command}' did not start: {one_line(e)}") from None
    try:
        await protocol.configure(dict(options))
    except chess.engine.EngineError as e:
        transport.close()
        raise EngineUnavailable(f"chess engine '{command}' refused its options: {one_line(e)}") from None
    return transport, protocol


@dataclass
class _Engine:
    command: str
    options: dict[str, Any]
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    transport: asyncio.SubprocessTransport | None = None
    protocol: chess.engine.UciProtocol | None = None

    @property
    def alive(self) -> bool:
        return self.protocol is not None and not self.protocol.returncode.done()

    async def play(self, board: chess.Board, limit: chess.engine.Limit) -> chess.Move:
        async with self.lock:
            for attempt in range(2):
                if not self.alive:
                    self.close()
                    self.transport, self.protocol = await start_engine(self.command, self.options)
                assert self.protocol is not None
                try:
                    # A new `game` object makes python-chess send ucinewgame, which clears the hash and the
                    # search histories: with one thread, a fixed node count then gives the same move every time.
                    result = await asyncio.wait_for(self.protocol.play(board, limit, game=object()),
                                                    SEARCH_TIMEOUT_S + (limit.time or 0))
                except (chess.engine.EngineTerminatedError, TimeoutError) as e:
                    self.close()  # kills a hung engine
                    if attempt:
                        why = "hung" if isinstance(e, TimeoutError) else "died"
                        raise EngineUnavailable(f"chess engine '{self.command}' {why} again after a restart: "
                                                f"{one_line(e)}") from None
                    continue
                if result.move is None:
                    raise EngineUnavailable(f"chess engine '{self.command}' gave no move in {board.fen()}")
                return result.move
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()  # kills the process if it still runs
        self.transport = self.protocol = None

    async def quit(self) -> None:
        if self.alive:
            assert self.protocol is not None
            try:
                await asyncio.wait_for(self.protocol.quit(), _QUIT_TIMEOUT_S)
            except (TimeoutError, chess.engine.EngineError):
                pass
        self.close()


class _EngineHost:
    """The daemon thread whose event loop owns every engine of this process."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._registered = False
        self._guard = threading.Lock()
        self.engines: dict[tuple[str, int], _Engine] = {}  # touched only on the host loop

    def submit(self, coro: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
        """Run `coro` on the host loop; await the result from any other loop."""
        with self._guard:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(target=self._loop.run_forever, name="uci-engines", daemon=True)
                self._thread.start()
                if not self._registered:
                    atexit.register(self.shutdown)
                    self._registered = True
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self._loop))

    def shutdown(self) -> None:
        """Quit every engine (they would exit on their own when stdin closes, but say so politely)."""
        loop = self._loop
        if loop is None or not loop.is_running():
            return

        async def quit_all() -> None:
            await asyncio.gather(*(e.quit() for e in self.engines.values()))

        try:
            asyncio.run_coroutine_threadsafe(quit_all(), loop).result(_QUIT_TIMEOUT_S + 1)
        except Exception:  # noqa: BLE001 - best effort at interpreter exit
            pass

    def stop(self) -> None:
        """Quit every engine and end the host thread, its loop closed on that thread; the next move starts
        afresh. For a process that is done with engines long before it exits (a test run), so that no engine
        transport is left for another thread's garbage collection to finalise."""
        with self._guard:
            loop, thread = self._loop, self._thread
            if loop is None or thread is None:
                return
            self.shutdown()
            loop.call_soon_threadsafe(loop.stop)
            thread.join(_QUIT_TIMEOUT_S + 1)
            if not thread.is_alive():
                loop.close()
            self._loop = self._thread = None
            self.engines = {}


_HOST = _EngineHost()


async def play(key: str, seat: int, command: str, options: Mapping[str, Any], board: chess.Board,
               limit: chess.engine.Limit) -> chess.Move:
    """The engine's move for `board`, from the engine of (`key`, `seat`) in this process."""

    async def on_host() -> chess.Move:
        engine = _HOST.engines.get((key, seat))
        if engine is None:
            engine = _HOST.engines[(key, seat)] = _Engine(command, dict(options))
        return await engine.play(board, limit)

    return await _HOST.submit(on_host())


def stop_engines() -> None:
    """Quit this process's engines and their host thread (see _EngineHost.stop)."""
    _HOST.stop()


def engine_pids() -> dict[tuple[str, int], int]:
    """The process id of every running engine of this process, by (player key, seat)."""
    return {k: e.transport.get_pid() for k, e in list(_HOST.engines.items()) if e.alive and e.transport is not None}


def one_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__
