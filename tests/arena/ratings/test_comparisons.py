"""Seats -> pairwise comparisons: multi-player decomposition, forfeits, errors, playing order."""

from __future__ import annotations

import pandas as pd

from arena.ratings import comparisons


def seat(episode, seat_no, player, ret, status="ok", forfeit=False, game="g", decisions=10, illegal=0):
    return {"episode_id": episode, "game": game, "game_key": game, "seat": seat_no, "player": player,
            "status": status, "return": ret, "outcome": "" if status in ("error", "skipped") else "x",
            "forfeit": forfeit, "decisions": decisions, "illegal_attempts": illegal, "random_fallbacks": 0}


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
