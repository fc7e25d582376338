"""Play one episode: a Ray-free async function, short enough to read on one screen."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from arena.agents.base import Agent, Attempt, Decision, PlayerFailure, Turn
from arena.games.base import Game
from arena.results.schema import EpisodeStatus


@dataclass(slots=True)
class MoveLog:
    move_number: int
    seat: int
    state_text: str
    attempt_number: int
    attempt: Attempt


@dataclass
class EpisodeLog:
    """Filled in as the episode runs, so an error still leaves the moves made so far."""

    status: EpisodeStatus | None = None  # None while it runs
    reason: str = ""
    returns: list[float] = field(default_factory=list)
    forfeit_seats: list[int] = field(default_factory=list)
    num_moves: int = 0
    first_seat: int | None = None  # who took the first decision; None when it was simultaneous
    final_state: str | None = None  # the position the episode ended in
    moves: list[MoveLog] = field(default_factory=list)


async def play_episode(
    game: Game, agents: Sequence[Agent], chance_rng: random.Random, seat_rngs: Sequence[random.Random],
    max_moves: int | None, log: EpisodeLog,
) -> EpisodeLog:
    state = game.spiel.new_initial_state()
    while not state.is_terminal():
        if state.is_chance_node():
            actions, probs = zip(*state.chance_outcomes(), strict=True)
            state.apply_action(chance_rng.choices(actions, probs)[0])
            continue
        if max_moves is not None and log.num_moves >= max_moves:
            log.status, log.reason = EpisodeStatus.TRUNCATED, f"max_moves={max_moves} reached"
            break
        seats = range(game.num_players) if state.is_simultaneous_node() else [state.current_player()]
        if log.num_moves == 0:
            log.first_seat = None if state.is_simultaneous_node() else seats[0]
        text = str(state)
        turns = [Turn(game, state, p, seat_rngs[p], log.num_moves) for p in seats]
        if len(turns) == 1:  # skip gather's task creation: it would double a random game's cost
            decisions = [await _act(agents[turns[0].player], turns[0], text, log)]
        else:
            decisions = await asyncio.gather(*(_act(agents[t.player], t, text, log) for t in turns))
        for turn, decision in zip(turns, decisions, strict=True):
            _check_legal(turn, decision, agents[turn.player])
            _record(log, turn, text, decision)
        log.num_moves += 1
        if log.forfeit_seats:
            log.status, log.reason = EpisodeStatus.FORFEIT, f"seat(s) {log.forfeit_seats} gave no legal move"
            log.returns, log.final_state = _forfeit_returns(game, state, log.forfeit_seats), text
            return log
        if state.is_simultaneous_node():
            state.apply_actions([d.action for d in decisions])
        else:
            state.apply_action(decisions[0].action)
    if log.status is None:
        log.status = EpisodeStatus.OK
    log.returns, log.final_state = list(state.returns()), str(state)
    return log


async def _act(agent: Agent, turn: Turn, state_text: str, log: EpisodeLog) -> Decision:
    """A player that fails (model unavailable, backend gave up) still leaves its attempts in the log."""
    try:
        return await agent.act(turn)
    except PlayerFailure as e:
        for i, attempt in enumerate(e.attempts, 1):
            log.moves.append(MoveLog(log.num_moves, turn.player, state_text, i, attempt))
        raise


def _check_legal(turn: Turn, decision: Decision, agent: Agent) -> None:
    """OpenSpiel applies whatever action it is given, unchecked in most games: an action past the board
    writes outside it (hex's apply_action(10_000) corrupts memory that crashes the process later). So a
    decision is checked before it is recorded or applied; one that is not legal is a bug in its player."""
    if decision.forfeit or decision.action in turn.state.legal_actions(turn.player):
        return
    raise ValueError(f"seat {turn.player} ({type(agent).__name__}) chose action {decision.action}, which is not a "
                     "legal move here: a bug in that player")


def _record(log: EpisodeLog, turn: Turn, state_text: str, decision: Decision) -> None:
    for i, attempt in enumerate(decision.attempts, 1):
        if attempt.legal and attempt.action is not None:
            if not attempt.label:  # a scripted move gets the label a model would have used for it
                attempt.label = turn.game.renderer.label(turn.state, turn.player, attempt.action)
            attempt.spiel_action = turn.state.action_to_string(turn.player, attempt.action)
        log.moves.append(MoveLog(log.num_moves, turn.player, state_text, i, attempt))
    if decision.forfeit:
        log.forfeit_seats.append(turn.player)


def _forfeit_returns(game: Game, state, forfeit_seats: list[int]) -> list[float]:
    """A forfeiting seat gets the game's minimum utility. In zero-sum games the others
    get the maximum (a win); in general-sum games they keep what they earned so far,
    since a maximum like 99,990 for iterated PD would swamp every mean."""
    low = game.spiel.min_utility()
    if game.zero_sum:
        high = game.spiel.max_utility()
        return [low if p in forfeit_seats else high for p in range(game.num_players)]
    so_far = state.returns()
    return [low if p in forfeit_seats else so_far[p] for p in range(game.num_players)]
