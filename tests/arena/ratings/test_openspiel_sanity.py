"""20,000 random-vs-random Kuhn poker episodes through the engine, in-process (no Ray).

Uniform random play has a known expectation: +1/8 for the first seat, -1/8 for the
second (the value OpenSpiel's own evaluate_bots test checks). Results go through the
same path as a tournament's (schedule, shard, rows, Parquet, load), then the
ratings must see two equal players and a first-seat advantage.
"""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from arena.config import Tournament
from arena.ratings import rate
from arena.results import load
from arena.results.writer import write_parts
from arena.schedule import episodes
from arena.shard import play_shard

EPISODES = 20_000


@pytest.fixture(scope="module")
def kuhn(tmp_path_factory):
    t = Tournament.model_validate({
        "name": "kuhn_sanity", "games": [{"name": "kuhn_poker"}], "episodes_per_pairing": EPISODES,
        "players": [{"type": "random"}, {"type": "random", "name": "random_b"}],
    })
    root = tmp_path_factory.mktemp("kuhn")
    write_parts(root, asyncio.run(play_shard(t, episodes(t), concurrency=64)))
    return load(root, moves=False)


def test_mean_returns_by_seat_match_the_known_expectation(kuhn):
    seats = kuhn.seats
    assert len(kuhn.episodes) == EPISODES and set(kuhn.episodes.status) == {"ok"}
    by_seat = seats.pivot(index="episode_id", columns="seat", values="return")
    assert (by_seat[0] + by_seat[1]).abs().max() == 0  # zero-sum, every episode
    # Both seatings of a repetition share the deal, so the two episodes of a pair are not
    # independent: the standard error comes from the pair means (10,000 independent pairs).
    pair = kuhn.episodes.set_index("episode_id")["repetition"]
    pair_means = by_seat[0].groupby(by_seat.index.map(pair)).mean()
    mean, se = pair_means.mean(), pair_means.std(ddof=1) / np.sqrt(len(pair_means))
    assert abs(mean - 0.125) < 4 * se, (mean, se)
    assert se < 0.02  # the tolerance is tight enough to mean something
    assert by_seat[1].mean() == pytest.approx(-mean)


def test_two_random_players_rate_alike_and_the_first_seat_shows_its_edge(kuhn):
    result = rate(kuhn.seats, rounds=300, seat_advantage=True)
    table = result.table[result.table.scope == "all"].set_index("player")
    assert table.loc["random_b", "ci_low"] < 1000.0 < table.loc["random_b", "ci_high"]
    advantage = result.seat_advantage.set_index("scope").loc["all"]
    assert advantage.ci_low > 0
