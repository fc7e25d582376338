"""A player's failure becomes the episode's status, in process: its kind decides error or skipped."""

from __future__ import annotations

import asyncio

import pytest

from arena.chat import ChatRequest, ChatResult, ErrorClass
from arena.config import Tournament
from arena.schedule import episodes
from arena.shard import play_shard

T = Tournament.model_validate({
    "name": "failures", "games": [{"name": "tic_tac_toe"}], "episodes_per_pairing": 2,
    "players": [{"type": "random"}, {"type": "llm", "model": "simulated_x"}],
})


class Fails:
    """A ChatBackend whose every answer is the same classified failure."""

    def __init__(self, error_class: ErrorClass, error: str) -> None:
        self.result = ChatResult(error_class=error_class, error=error, latency_s=0.5)

    async def chat(self, request: ChatRequest) -> ChatResult:
        return self.result


@pytest.mark.parametrize(("error_class", "status", "reason", "rows"), [
    (ErrorClass.FATAL, "error", "PlayerFailure: fatal: invalid API key (at llm.py:", 1),
    (ErrorClass.TRANSIENT, "error", "PlayerFailure: transient: 503 after 5 retries (at llm.py:", 1),
    (ErrorClass.BUDGET, "skipped", "budget: spend cap of 1.00 USD reached", 0),
])
def test_a_player_failure_is_recorded_by_its_kind(error_class, status, reason, rows):
    error = {ErrorClass.FATAL: "invalid API key", ErrorClass.TRANSIENT: "503 after 5 retries",
             ErrorClass.BUDGET: "spend cap of 1.00 USD reached"}[error_class]
    backend = Fails(error_class, error)
    tables = asyncio.run(play_shard(T, episodes(T), backend_for=lambda spec: backend))
    eps, seats, moves = (tables[n].to_pandas() for n in ("episodes", "seats", "moves"))
    assert set(eps.status) == {status} and len(eps) == 2
    assert all(r.startswith(reason) for r in eps.reason)
    assert eps.returns.map(len).eq(0).all() and seats.outcome.isna().all() and set(seats.status) == {status}
    failed = moves[~moves.legal]
    assert len(failed) == 2 * rows  # each episode keeps its failed call; a budget refusal made no call
    assert (failed.error_class == error_class.value).all() and (~failed.legal).all()
