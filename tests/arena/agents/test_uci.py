"""UCI chess engines as players: reproducible at fixed nodes, strong, restarted when killed, refused when unusable."""

import asyncio
import os
import random
import signal
import sys

import pytest

from arena.agents import uci_engines
from arena.agents.base import PlayerFailure, Turn
from arena.agents.random_agent import RandomAgent
from arena.agents.uci import UCIAgent
from arena.agents.uci_engines import engine_path, engine_pids
from arena.chat import ErrorClass
from arena.config import Tournament
from arena.config.errors import ConfigError
from arena.config.load import load_tournament_dict
from arena.config.models import UCIPlayer
from arena.episode import EpisodeLog, play_episode
from arena.games import load_game
from arena.results.schema import EpisodeStatus
from arena.schedule import episodes
from arena.shard import play_shard
from cluster.run import check_player

needs_stockfish = pytest.mark.skipif(engine_path("stockfish") is None, reason="no stockfish binary (apt-get install stockfish)")
CHESS = load_game("chess")


@pytest.fixture(autouse=True, scope="module")
def _engines_stopped_after_the_module():
    # Engines and their host thread would otherwise live on through every later test of the run.
    yield
    uci_engines.stop_engines()


def uci(**kw) -> UCIPlayer:
    return UCIPlayer.model_validate({"type": "uci", "nodes": 300, **kw})


async def game_vs_random(agent, seed: int, uci_seat: int = 0, max_moves: int = 300, opponent=None) -> EpisodeLog:
    seats = [agent, opponent or RandomAgent()][:: 1 if uci_seat == 0 else -1]
    rngs = [random.Random(seed), random.Random(seed + 1)]
    return await play_episode(CHESS, seats, random.Random(seed), rngs, max_moves, EpisodeLog())


def moves(log: EpisodeLog) -> list[int | None]:
    return [m.attempt.action for m in log.moves]


@needs_stockfish
def test_fixed_nodes_repeat_the_same_game_even_when_episodes_share_the_engine():
    spec = uci(name="sf_repro")

    async def concurrently():  # two episodes interleave their searches on the one engine of this seat
        return await asyncio.gather(game_vs_random(UCIAgent(spec, CHESS), 7), game_vs_random(UCIAgent(spec, CHESS), 7))

    first, second = asyncio.run(concurrently())
    alone = asyncio.run(game_vs_random(UCIAgent(spec, CHESS), 7))
    assert first.status is EpisodeStatus.OK and first.num_moves > 10
    assert moves(first) == moves(second) == moves(alone)


@needs_stockfish
def test_a_shard_gives_the_same_games_whatever_else_ran():
    t = Tournament.model_validate({"games": [{"name": "chess", "max_moves": 120}], "episodes_per_pairing": 4,
                                   "players": [{"type": "random"}, {"type": "uci", "nodes": 200}]})
    specs = list(episodes(t))

    def actions(tables):
        moves = tables["moves"].to_pandas()
        return {e: tuple(g.action) for e, g in moves.groupby("episode_id")}

    batch = actions(asyncio.run(play_shard(t, specs)))
    alone = {}
    for spec in specs[::-1]:
        alone.update(actions(asyncio.run(play_shard(t, [spec], concurrency=1))))
    assert batch == alone and len(batch) == 4


@needs_stockfish
def test_stockfish_beats_a_random_player():
    spec = uci(nodes=500)
    for seed in range(4):
        log = asyncio.run(game_vs_random(UCIAgent(spec, CHESS), seed, uci_seat=seed % 2))
        assert log.status is EpisodeStatus.OK, log.reason
        assert log.returns[seed % 2] == 1, f"seed {seed}: {log.returns} after {log.num_moves} moves"


class KillsTheEngine:
    """A random player that kills the UCI engine's process before its `at`-th move."""

    def __init__(self, key: tuple[str, int], at: int):
        self.key, self.at, self.moves, self.killed = key, at, 0, None

    async def act(self, turn: Turn):
        self.moves += 1
        if self.moves == self.at:
            self.killed = engine_pids()[self.key]
            os.kill(self.killed, signal.SIGKILL)
            await asyncio.sleep(0.05)  # let the engine's loop see it die before the next search
        return await RandomAgent().act(turn)


@needs_stockfish
def test_a_killed_engine_is_restarted_and_the_episodes_go_on():
    spec = uci(name="sf_killed")
    key = (spec.model_dump_json(), 0)
    asyncio.run(game_vs_random(UCIAgent(spec, CHESS), 0, max_moves=2))  # start the engine
    killer = KillsTheEngine(key, at=5)

    async def two_episodes():
        return await asyncio.gather(game_vs_random(UCIAgent(spec, CHESS), 1, opponent=killer),
                                    game_vs_random(UCIAgent(spec, CHESS), 2))

    logs = asyncio.run(two_episodes())
    assert killer.killed is not None
    assert all(log.status is EpisodeStatus.OK for log in logs), [log.reason for log in logs]
    assert sum(1 for m in logs[0].moves if m.seat == 0) > 5  # the engine moved after the kill
    assert engine_pids()[key] != killer.killed


def test_an_engine_that_cannot_start_is_a_fatal_player_failure():
    agent = UCIAgent(uci(engine="/nonexistent/stockfish"), CHESS)
    with pytest.raises(PlayerFailure) as e:
        asyncio.run(game_vs_random(agent, 0))
    assert e.value.error_class is ErrorClass.FATAL and "\n" not in str(e.value)
    assert "apt-get install stockfish" in e.value.message


CRASHING_ENGINE = """
import sys
for line in sys.stdin:
    command = line.split()[:1]
    if command == ["uci"]:
        print("id name Crashing\\noption name Threads type spin default 1 min 1 max 8\\nuciok", flush=True)
    elif command == ["isready"]:
        print("readyok", flush=True)
    elif command == ["go"]:
        sys.exit(3)
"""
"""An engine that starts fine and dies at every search."""


def test_an_engine_that_dies_again_after_a_restart_is_a_fatal_player_failure(tmp_path):
    crashing = tmp_path / "crashing_engine"
    crashing.write_text(f"#!{sys.executable}\n" + CRASHING_ENGINE)
    crashing.chmod(0o755)
    agent = UCIAgent(uci(engine=str(crashing), options={}), CHESS)
    with pytest.raises(PlayerFailure) as e:
        asyncio.run(game_vs_random(agent, 0))
    assert e.value.error_class is ErrorClass.FATAL and "died again after a restart" in e.value.message


def test_an_engine_that_hangs_is_killed_and_then_a_fatal_player_failure(tmp_path, monkeypatch):
    hanging = tmp_path / "hanging_engine"
    hanging.write_text(f"#!{sys.executable}\n" + CRASHING_ENGINE.replace("sys.exit(3)", "pass"))
    hanging.chmod(0o755)
    monkeypatch.setattr(uci_engines, "SEARCH_TIMEOUT_S", 0.5)
    agent = UCIAgent(uci(engine=str(hanging), options={}), CHESS)
    with pytest.raises(PlayerFailure) as e:
        asyncio.run(asyncio.wait_for(game_vs_random(agent, 0), 10))
    assert e.value.error_class is ErrorClass.FATAL and "hung again after a restart" in e.value.message


def config(player: dict, game: str = "chess") -> dict:
    return {"name": "uci", "format": "round_robin", "games": [{"name": game}],
            "players": [{"type": "random"}, {"type": "uci", "nodes": 100, **player}]}


def config_error(data: dict) -> str:
    """The error `arena run` gives: it checks the engine on the machine that plays."""
    with pytest.raises(ConfigError) as e:
        load_tournament_dict(data, check_player=check_player)
    assert "\n" not in str(e.value)
    return str(e.value)


def test_a_missing_engine_binary_is_a_config_error_that_says_how_to_install_it():
    text = config_error(config({"engine": "no-such-chess-engine"}))
    assert "players.1" in text and "no-such-chess-engine" in text
    assert "apt-get install stockfish" in text and "brew install stockfish" in text


def test_a_config_submitted_from_a_machine_without_the_engine_loads():
    # `arena submit` loads without the run's player checks: the cluster, not the laptop, needs Stockfish
    t = load_tournament_dict(config({"engine": "no-such-chess-engine"}))
    assert t.players[1].engine == "no-such-chess-engine"


def test_a_uci_player_on_another_game_is_a_config_error():
    text = config_error(config({}, game="tic_tac_toe"))
    assert "players.1" in text and "chess only" in text and "tic_tac_toe" in text


@needs_stockfish
def test_an_option_the_engine_refuses_is_a_config_error():
    assert "UCI_Elo" in config_error(config({"elo": 100}))
    assert "NoSuchOption" in config_error(config({"options": {"NoSuchOption": 1}}))


@needs_stockfish
def test_a_usable_uci_player_loads():
    t = load_tournament_dict(config({"name": "sf_1500", "elo": 1500}), check_player=check_player)
    assert t.players[1].display_name == "sf_1500"


@needs_stockfish
def test_stopped_engines_are_gone_and_the_next_move_starts_them_again():
    spec = uci(name="sf_stopped")
    asyncio.run(game_vs_random(UCIAgent(spec, CHESS), 0, max_moves=2))
    pids = list(engine_pids().values())
    assert pids
    uci_engines.stop_engines()
    assert engine_pids() == {}
    for pid in pids:  # quit, not left running
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    log = asyncio.run(game_vs_random(UCIAgent(spec, CHESS), 0, max_moves=2))
    assert log.status is EpisodeStatus.TRUNCATED and engine_pids()
