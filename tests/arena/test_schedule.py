"""Schedules: deterministic ids, even seat swaps, shared chance seeds, laziness."""

import itertools
from collections import Counter

from arena import schedule
from arena.config import Tournament
from arena.schedule import count, episodes


def rr(**kw):
    base = {"name": "t", "games": [{"name": "tic_tac_toe"}, {"name": "kuhn_poker"}],
            "players": [{"type": "random"}, {"type": "mcts", "simulations": 5}, {"type": "mcts", "simulations": 9}],
            "episodes_per_pairing": 4}
    return Tournament.model_validate({**base, **kw})


def test_round_robin_covers_every_pair_game_and_seating_evenly():
    t = rr()
    specs = list(episodes(t))
    assert len(specs) == count(t) == 2 * 3 * 4
    first_seat = Counter((s.game.name, frozenset(s.seats), s.seats[0]) for s in specs)
    assert set(first_seat.values()) == {2}  # each player of each pair sits first twice per game
    assert len({s.episode_id for s in specs}) == len(specs)


def test_both_seatings_of_a_repetition_share_the_chance_seed():
    specs = list(episodes(rr()))
    by_rep = {}
    for s in specs:
        by_rep.setdefault((s.game.key, frozenset(s.seats), s.repetition), []).append(s)
    for pair in by_rep.values():
        assert [p.seating for p in pair] == [0, 1]
        assert pair[0].seed == pair[1].seed and pair[0].seats == pair[1].seats[::-1]
    assert len({p[0].seed for p in by_rep.values()}) == len(by_rep)


def test_ids_are_deterministic_and_cover_player_settings():
    a = [s.episode_id for s in episodes(rr())]
    assert a == [s.episode_id for s in episodes(rr())]
    changed = rr(players=[{"type": "random"}, {"type": "mcts", "simulations": 5, "uct_c": 1.0},
                          {"type": "mcts", "simulations": 9}])
    assert set(a) != {s.episode_id for s in episodes(changed)}
    assert set(a).isdisjoint({s.episode_id for s in episodes(rr(seed=1))})


def test_match_keeps_seats_and_counts_episodes():
    t = Tournament.model_validate({"format": "match", "games": [{"name": "tic_tac_toe"}], "num_episodes": 5,
                                   "players": [{"type": "random"}, {"type": "mcts"}]})
    specs = list(episodes(t))
    assert count(t) == 5 and [s.seats for s in specs] == [("random", "mcts_100")] * 5
    assert len({s.seed for s in specs}) == 5


def test_schedule_is_lazy_for_a_million_episodes(monkeypatch):
    t = rr(episodes_per_pairing=166_668)
    assert count(t) == 2 * 3 * 166_668
    hashed = []
    digest = schedule._digest
    monkeypatch.setattr(schedule, "_digest", lambda *parts: hashed.append(parts) or digest(*parts))
    first = list(itertools.islice(episodes(t), 10))
    # An id and (per seating pair) a seed for the ten taken, nothing for the million left.
    assert len(first) == 10 and 0 < len(hashed) <= 2 * len(first), len(hashed)


def test_name_and_output_folder_change_no_id_and_no_random_choice():
    """One seed, one tournament: the name and the results folder decide nothing about play."""
    import asyncio

    from arena.shard import play_shard

    base = rr(players=[{"type": "random"}, {"type": "random", "name": "random_b"}, {"type": "mcts", "simulations": 5}])
    renamed = base.model_copy(update={"name": "another_name", "output_dir": "elsewhere"})

    def played(t):
        tables = asyncio.run(play_shard(t, list(episodes(t))))
        moves = tables["moves"].select(["episode_id", "move_number", "seat", "action"]).to_pylist()
        return tables["episodes"].select(["episode_id", "returns", "num_moves"]).to_pylist(), moves

    assert played(base) == played(renamed)
    assert [s.episode_id for s in episodes(base)] == [s.episode_id for s in episodes(renamed)]
    assert [s.seed for s in episodes(base)] == [s.seed for s in episodes(renamed)]
