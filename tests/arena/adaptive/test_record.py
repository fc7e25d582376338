"""schedule.json: rounds get each pairing's next repetitions, the round robin's own episodes, and say what is pending."""

import numpy as np
import pytest
from pydantic import ValidationError

from arena.adaptive import Allocation, RoundChoice, RoundRecord
from arena.adaptive.record import ScheduleRecord
from arena.config import Tournament
from arena.results.location import ResultsDir
from arena.schedule import episodes

PLAYERS = [{"type": "random"}, {"type": "random", "name": "b"}, {"type": "mcts", "simulations": 3}]


def tournament(**schedule):
    return Tournament.model_validate({"games": [{"name": "tic_tac_toe"}], "players": PLAYERS,
                                      "schedule": {"mode": "adaptive", **schedule}})


def choice(*allocations):
    return RoundChoice(tuple(Allocation("tic_tac_toe", players, pairs, "why") for players, pairs in allocations))


def test_rounds_take_each_pairings_next_repetitions_and_are_the_round_robins_episodes():
    t = tournament()
    record = ScheduleRecord()
    first = record.add_round(t, RoundRecord(1, 0, choice((("random", "b"), 2))), set())
    # Listed the other way round, the pairing is still (b, mcts_3) in the players' order.
    second = record.add_round(t, RoundRecord(2, 4, choice((("random", "b"), 1), (("mcts_3", "b"), 1))), set())
    assert [a["repetitions"] for a in record.rounds[1]["allocations"]] == [[2, 3], [0, 1]]
    assert record.rounds[1]["allocations"][1]["players"] == ["b", "mcts_3"]
    fixed = Tournament.model_validate({"games": [{"name": "tic_tac_toe"}], "players": PLAYERS, "episodes_per_pairing": 6})
    same = {(e.seats, e.repetition): e for e in episodes(fixed)}
    for e in first + second:
        assert same[(e.seats, e.repetition)] == e  # same id, seed and seating as the fixed round robin's
    assert [e.episode_id for e in record.episodes(t)] == [e.episode_id for e in first + second]


def test_repetitions_already_played_are_skipped():
    t = tournament()
    fixed = Tournament.model_validate({"games": [{"name": "tic_tac_toe"}], "players": PLAYERS, "episodes_per_pairing": 4})
    done = {e.episode_id for e in episodes(fixed)}  # a fixed schedule played repetitions 0 and 1 before
    ScheduleRecord().add_round(t, RoundRecord(1, 12, choice((("random", "b"), 1))), done)
    record = ScheduleRecord()
    specs = record.add_round(t, RoundRecord(1, 12, choice((("random", "b"), 1))), done)
    assert record.rounds[0]["allocations"][0]["repetitions"] == [2, 3] and {e.repetition for e in specs} == {2}


def test_written_and_read_back_and_pending(tmp_path):
    t = tournament(max_episodes=100)
    root = ResultsDir(tmp_path)
    record = ScheduleRecord(settings=t.schedule.model_dump(mode="json"))
    specs = record.add_round(t, RoundRecord(1, 0, choice((("random", "b"), 2))), set())
    record.write(root)
    back = ScheduleRecord.read(root)
    assert back.rounds == record.rounds and back.scheduled == 4
    assert back.pending(t, set()) == 96  # not stopped: what max_episodes leaves
    back.stop = {"reason": "target"}
    assert back.pending(t, set()) == 96  # stopped, but two pairs are missing: play them, then maybe more
    assert back.pending(t, {e.episode_id for e in specs}) == 0
    assert back.pending(tournament(max_episodes=100, target_ci=20), {e.episode_id for e in specs}) > 0  # new target
    assert ScheduleRecord.read(ResultsDir(tmp_path / "none")).rounds == []


def test_settings_are_checked():
    with pytest.raises(ValidationError, match="set format: round_robin"):
        Tournament.model_validate({"format": "match", "games": [{"name": "tic_tac_toe"}], "players": PLAYERS[:2],
                                   "schedule": {"mode": "adaptive"}})
    with pytest.raises(ValidationError, match="set schedule.mode: adaptive"):
        Tournament.model_validate({"games": [{"name": "tic_tac_toe"}], "players": PLAYERS, "schedule": {"sprt": {}}})
    with pytest.raises(ValidationError, match="elo1 .* must be above elo0"):
        tournament(sprt={"elo0": 10, "elo1": 5})
    with pytest.raises(ValidationError, match="min_per_pairing"):
        tournament(min_per_pairing=1)
    assert np.isclose(tournament(sprt={}).schedule.sprt.alpha, 0.05)
