"""Seats -> pairwise comparisons: multi-player decomposition, forfeits, errors, playing order."""

from __future__ import annotations

import pandas as pd
import pytest

from arena.ratings import comparisons


def seat(episode, seat_no, player, ret, status="ok", forfeit=False, game="g", decisions=10, illegal=0, mover=0):
    """One seats row; `mover` is the seat that moved first in the episode (None: a simultaneous first decision)."""
    return {"episode_id": episode, "game": game, "game_key": game, "seat": seat_no, "player": player,
            "status": status, "return": ret, "outcome": "" if status in ("error", "skipped") else "x",
            "forfeit": forfeit, "first_mover": None if mover is None else seat_no == mover,
            "decisions": decisions, "illegal_attempts": illegal, "random_fallbacks": 0}


def test_a_three_player_episode_becomes_three_pairs_ranked_by_return():
    seats = pd.DataFrame([seat("e", 0, "a", 5.0), seat("e", 1, "b", 5.0), seat("e", 2, "c", -3.0)])
    c = comparisons(seats).set_index(["first", "second"])
    assert c["score"].to_dict() == {("a", "b"): 0.5, ("a", "c"): 1.0, ("b", "c"): 1.0}
    assert (c["weight"] == 0.5).all()  # each player carries one two-player game's weight per episode


def test_a_forfeiting_seat_loses_to_everyone_who_did_not_forfeit():
    seats = pd.DataFrame([seat("e", 0, "a", -1.0, "forfeit", forfeit=True), seat("e", 1, "b", 3.0, "forfeit"),
                          seat("e", 2, "c", 4.0, "forfeit")])
    c = comparisons(seats).set_index(["first", "second"])
    assert c["score"].to_dict() == {("a", "b"): 0.0, ("a", "c"): 0.0, ("b", "c"): 0.0}
    assert c["forfeit"].all()
    assert comparisons(seats, exclude_forfeits=True).empty


def test_errored_and_skipped_episodes_make_no_comparisons():
    seats = pd.DataFrame([seat("e", 0, "a", None, "error"), seat("e", 1, "b", None, "error"),
                          seat("f", 0, "a", None, "skipped"), seat("f", 1, "b", None, "skipped")])
    assert comparisons(seats).empty


def test_comparisons_come_in_playing_order_when_episodes_are_given():
    seats = pd.DataFrame([seat("late", 0, "a", 1.0), seat("late", 1, "b", -1.0),
                          seat("early", 0, "b", 1.0), seat("early", 1, "a", -1.0)])
    episodes = pd.DataFrame({"episode_id": ["late", "early"],
                             "started_at": pd.to_datetime(["2026-01-02", "2026-01-01"], utc=True)})
    assert comparisons(seats, episodes)["episode_id"].tolist() == ["early", "late"]


def test_the_seat_that_moved_first_goes_first_whatever_its_number():
    # OpenSpiel chess: White is player 1 and moves first. Seat 1 won this one.
    seats = pd.DataFrame([seat("e", 0, "black", -1.0, mover=1), seat("e", 1, "white", 1.0, mover=1)])
    row = comparisons(seats).iloc[0]
    assert (row["first"], row["second"], row["score"], row["sequential"]) == ("white", "black", 1.0, True)


def test_in_a_multi_player_game_the_first_mover_leads_its_pairs_and_the_rest_keep_seat_order():
    seats = pd.DataFrame([seat("e", 0, "a", 1.0, mover=2), seat("e", 1, "b", 2.0, mover=2),
                          seat("e", 2, "c", 3.0, mover=2)])
    c = comparisons(seats).set_index(["first", "second"])
    assert c["score"].to_dict() == {("c", "a"): 1.0, ("c", "b"): 1.0, ("a", "b"): 0.0}
    assert c["sequential"].all()


def test_a_simultaneous_first_decision_has_no_first_mover():
    seats = pd.DataFrame([seat("e", 0, "a", 3.0, mover=None), seat("e", 1, "b", 0.0, mover=None)])
    seats["first_mover"] = seats["first_mover"].astype("boolean")
    row = comparisons(seats).iloc[0]
    assert (row["first"], row["score"], row["sequential"]) == ("a", 1.0, False)


def test_seats_without_the_first_mover_column_are_refused():
    seats = pd.DataFrame([seat("e", 0, "a", 1.0), seat("e", 1, "b", -1.0)]).drop(columns="first_mover")
    with pytest.raises(ValueError, match="first_mover"):
        comparisons(seats)
