"""The solver player: never loses tic-tac-toe, repeats from its seed, varies among optimal moves, and
refuses in one config line a game it cannot solve."""

import asyncio
import random

import pytest

from arena.agents.base import Turn
from arena.agents.factory import make_agent
from arena.agents.solver import SolverAgent
from arena.config.errors import ConfigError
from arena.config.load import load_tournament_dict
from arena.config.models import MCTSPlayer, PlayerSpec, SolverPlayer
from arena.episode import EpisodeLog, play_episode
from arena.games import load_game

SOLVER = SolverPlayer(type="solver")
TTT = load_game("tic_tac_toe")


def play(seats: list[PlayerSpec], seed: int) -> EpisodeLog:
    """One tic-tac-toe episode through the real episode loop, each seat with its own seeded rng."""
    seeds = [1000 * seed + seat for seat in range(2)]
    agents = [make_agent(spec, TTT, s) for spec, s in zip(seats, seeds, strict=True)]
    return asyncio.run(play_episode(TTT, agents, random.Random(seed), [random.Random(s) for s in seeds], None,
                                    EpisodeLog()))


def actions(log: EpisodeLog) -> list[int | None]:
    return [m.attempt.action for m in log.moves]


def test_never_loses_to_mcts_in_either_seat():
    mcts = MCTSPlayer(type="mcts")
    results = []
    for seed in range(100):
        solver_seat = seed % 2
        seats: list[PlayerSpec] = [SOLVER, mcts] if solver_seat == 0 else [mcts, SOLVER]
        log = play(seats, seed)
        results.append(log.returns[solver_seat])
    assert min(results) >= 0, f"the solver lost {results.count(-1.0)} of 100 games"
    assert max(results) == 1  # 100-simulation MCTS slips now and then, and the solver takes the win


def test_same_seed_same_game_different_seeds_other_optimal_moves():
    assert actions(play([SOLVER, SOLVER], 7)) == actions(play([SOLVER, SOLVER], 7))
    games = {tuple(actions(play([SOLVER, SOLVER], seed))) for seed in range(20)}
    assert len(games) > 5  # all nine first moves draw, so the first move alone varies
    assert all(play([SOLVER, SOLVER], seed).returns == [0.0, 0.0] for seed in range(5))  # perfect play draws


def test_takes_the_only_winning_move():
    # x x .      x (to move) wins only at the top right, action 2; anything else lets o draw or win.
    # o o .
    # . . .
    state = TTT.spiel.new_initial_state()
    for action in (0, 3, 1, 4):
        state.apply_action(action)
    agent = SolverAgent(SOLVER, TTT)
    for seed in range(10):
        decision = asyncio.run(agent.act(Turn(TTT, state, 0, random.Random(seed), 4)))
        assert decision.action == 2 and [a.action for a in decision.attempts] == [2]


def solver_config(game: str, **solver: object) -> dict:
    return {"games": [{"name": game}], "players": [{"type": "random"}, {"type": "solver", **solver}]}


@pytest.mark.parametrize("game", ["chess", "connect_four"])
def test_a_game_too_large_is_a_config_error_naming_max_states(game):
    with pytest.raises(ConfigError) as e:
        load_tournament_dict(solver_config(game), notify=None)
    text = str(e.value)
    assert "\n" not in text and e.value.path == "players.1"
    assert text.startswith(f"players.1: {game} has at least") and "max_states=1000000" in text


def test_a_limit_below_the_game_is_found_by_searching():
    with pytest.raises(ConfigError, match=r"^agents\.player_1: tic_tac_toe has more than max_states=100 positions; "
                                          r"raise max_states or choose another player$"):
        load_tournament_dict({"env_config": {"game_name": "tic_tac_toe"}, "agents": {
            "player_0": {"type": "random"}, "player_1": {"type": "solver", "max_states": 100}}}, notify=None)


def test_a_simultaneous_game_is_a_config_error_saying_why():
    with pytest.raises(ConfigError) as e:
        load_tournament_dict(solver_config("matrix_rps"), notify=None)
    assert "\n" not in str(e.value) and "matrix_rps cannot be solved" in str(e.value)
    assert "simultaneously" in str(e.value)


def test_tic_tac_toe_config_loads():
    t = load_tournament_dict(solver_config("tic_tac_toe"), notify=None)
    assert t.players[1].display_name == "solver"
