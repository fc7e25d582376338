"""One sequential test per pairing inside an adaptive schedule: pentanomials pooled over games, decided pairings closed."""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[1] / "ratings"))
from test_sprt import PLAYS, results  # noqa: E402

from arena.adaptive import sequential  # noqa: E402
from arena.config.models import SPRTSettings  # noqa: E402
from arena.ratings.pentanomial import pentanomial  # noqa: E402


def test_every_pairings_counts_pooled_over_games_match_the_single_pairing_function():
    seats, episodes = results([p for p in PLAYS if len(p[3]) == 2])
    counts = sequential.pentanomials(seats, episodes, ["a", "b", "c"])
    assert set(counts) == {("a", "b"), ("a", "c")}
    pooled = pentanomial(seats, episodes, "a", "b", "g") + pentanomial(seats, episodes, "a", "b", "h")
    assert counts[("a", "b")].tolist() == pooled.tolist() == [0, 1, 2, 1, 2]
    # Listed the other way round, the counts are b's: the mirror image.
    assert sequential.pentanomials(seats, episodes, ["b", "a"])[("b", "a")].tolist() == pooled[::-1].tolist()


def test_a_decided_pairing_is_closed_and_recorded():
    decided = sequential.tests({("a", "b"): np.array([0, 0, 0, 0, 60]), ("a", "c"): np.array([1, 2, 3, 2, 1])},
                               SPRTSettings(elo0=0, elo1=50))
    assert sequential.closed(decided) == {("a", "b")}
    row = sequential.as_record(decided)
    assert row["a vs b"]["decision"] == "H1" and row["a vs c"]["decision"] is None and row["a vs c"]["pairs"] == 9
