"""The episode loop on real OpenSpiel games with scripted agents."""

import asyncio
import random

import pytest

from arena.agents.base import Attempt, Decision, PlayerFailure
from arena.agents.random_agent import RandomAgent
from arena.chat import ErrorClass
from arena.episode import EpisodeLog, play_episode
from arena.games import load_game, registry


def play(game, agents, seed=0, max_moves=None):
    rngs = [random.Random(seed * 10 + p) for p in range(game.num_players)]
    return asyncio.run(play_episode(game, agents, random.Random(seed), rngs, max_moves, EpisodeLog()))


@pytest.mark.parametrize("name", sorted(registry.TAILORED))
def test_random_players_finish_every_game(name):
    game = load_game(name, {"board_size": 5} if name == "hex" else {})
    log = play(game, [RandomAgent(), RandomAgent()], max_moves=40 if name == "chess" else None)
    assert log.status == ("truncated" if name == "chess" else "ok")
    assert len(log.returns) == 2
    decisions = [m for m in log.moves if m.attempt_number == 1]
    assert max(m.move_number for m in decisions) == log.num_moves - 1
    assert all(m.attempt.legal and m.attempt.label for m in log.moves)


def test_same_seeds_same_episode_and_chance_is_seeded():
    game = load_game("kuhn_poker")
    a = play(game, [RandomAgent(), RandomAgent()], seed=3)
    b = play(game, [RandomAgent(), RandomAgent()], seed=3)
    assert [(m.state_text, m.attempt.action) for m in a.moves] == [(m.state_text, m.attempt.action) for m in b.moves]
    deals = {play(game, [RandomAgent(), RandomAgent()], seed=s).moves[0].state_text for s in range(30)}
    assert len(deals) > 1  # the chance rng really varies with the seed


class Forfeiter:
    async def act(self, turn):
        return Decision(None, [Attempt(None, legal=False, error="no idea")])


def test_forfeit_ends_episode_as_loss_for_that_seat():
    game = load_game("tic_tac_toe")
    log = play(game, [RandomAgent(), Forfeiter()])
    assert log.status == "forfeit" and log.forfeit_seats == [1]
    assert log.returns == [1.0, -1.0]
    assert log.num_moves == 2


def test_forfeit_in_general_sum_game_keeps_earned_payoffs():
    game = load_game("prisoners_dilemma", {"termination_probability": 0.0, "max_game_length": 5})
    log = play(game, [RandomAgent(), Forfeiter()])
    assert log.status == "forfeit"
    assert log.returns[1] == game.spiel.min_utility() and log.returns[0] < game.spiel.max_utility()


class Rendezvous:
    """Both players of a simultaneous move must be asked at once, or this deadlocks."""

    def __init__(self, arrived: list, event: asyncio.Event):
        self.arrived, self.event = arrived, event

    async def act(self, turn):
        self.arrived.append(turn.player)
        if len(self.arrived) % 2 == 0:
            self.event.set()
        await asyncio.wait_for(self.event.wait(), timeout=5)
        self.event.clear() if len(self.arrived) % 2 == 0 else None
        return RandomAgent.decide(turn)


def test_simultaneous_moves_ask_all_players_concurrently():
    game = load_game("matrix_rps")
    arrived, event = [], asyncio.Event()
    log = play(game, [Rendezvous(arrived, event), Rendezvous(arrived, event)])
    assert log.status == "ok" and sorted(arrived) == [0, 1]
    assert {m.seat for m in log.moves} == {0, 1} and {m.move_number for m in log.moves} == {0}


def test_truncation_is_recorded():
    log = play(load_game("connect_four"), [RandomAgent(), RandomAgent()], max_moves=4)
    assert log.status == "truncated" and log.num_moves == 4 and "max_moves=4" in log.reason


class Crashes:
    async def act(self, turn):
        made = [Attempt(None, legal=False, raw_response="partial", error_class="transient")]
        raise PlayerFailure(ErrorClass.TRANSIENT, "backend exploded", made)


def test_player_failure_propagates_but_keeps_attempts_made():
    log = EpisodeLog()
    game = load_game("tic_tac_toe")
    with pytest.raises(PlayerFailure, match="transient: backend exploded"):
        asyncio.run(play_episode(game, [RandomAgent(), Crashes()], random.Random(0),
                                 [random.Random(1), random.Random(2)], None, log))
    assert [m.attempt.raw_response for m in log.moves] == ["", "partial"]
    assert log.status is None  # still running when it failed: the caller records error or skipped


class OutOfRange:
    """A broken agent: claims a legal move that is not one (far past the board)."""

    async def act(self, turn):
        return Decision(10_000, [Attempt(10_000)])


class Occupied:
    """A broken agent: always the first cell, taken or not."""

    async def act(self, turn):
        return Decision(0, [Attempt(0)])


@pytest.mark.parametrize("agent", [OutOfRange(), Occupied()], ids=["out_of_range", "occupied"])
def test_an_agents_illegal_decision_is_an_error_never_applied(agent):
    # OpenSpiel applies what it is given: hex's apply_action(10_000) writes a stone 40 kB past its board, which
    # crashes the process later. The loop checks every decision against the legal moves before applying it.
    game = load_game("hex", {"board_size": 5})
    with pytest.raises(ValueError, match=r"seat 1 \(\w+\) chose action (10000|0), which is not a legal move"):
        play(game, [RandomAgent(), agent])
