"""The plan's arithmetic on hand-checkable tournaments, with made-up model facts (no backend)."""

from __future__ import annotations

import json

import pytest

from arena.config.models import Tournament
from arena.plan import lengths
from arena.plan.estimate import GroupLimits, ModelFacts, plan, seat_counts
from arena.plan.figures import Range
from arena.plan.show import one_line
from arena.schedule import count, episodes


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def chars(messages) -> int:
    return sum(len(m["content"]) // 4 for m in messages)


def facts(price_in=1e-6, price_out=2e-6):
    def of(p, t):
        return ModelFacts(price_in, price_out, "test" if price_in is not None else "unknown", chars, "characters / 4",
                          "acme")
    return of


def no_limits(group, t):
    return GroupLimits()


ROUND_ROBIN = {"name": "rr", "games": [{"name": "tic_tac_toe"}, {"name": "connect_four"}],
               "players": [{"type": "llm", "model": "simulated_a"}, {"type": "llm", "model": "simulated_b"},
                           {"type": "random"}], "episodes_per_pairing": 6}


@pytest.mark.parametrize("extra", [{}, {"format": "match", "num_episodes": 5, "players": [
    {"type": "llm", "model": "simulated_a"}, {"type": "random"}]}])
def test_episode_counts_are_the_schedule_s(extra):
    t = Tournament.model_validate({**ROUND_ROBIN, **extra})
    p = plan(t, facts(), no_limits)
    assert p.episodes == count(t) == sum(g.episodes for g in p.games)
    seated: dict = {}
    for spec in episodes(t):
        for seat, name in enumerate(spec.seats):
            seated[(spec.game.key, seat, name)] = seated.get((spec.game.key, seat, name), 0) + 1
    assert seat_counts(t) == seated


def test_rpm_bound_by_hand():
    # matching pennies: one decision per seat per episode, so 60 episodes are 60 decisions of the model,
    # 60-120 calls with two attempts each at most; at 30 requests per minute that is 2-4 minutes.
    t = Tournament.model_validate({"format": "match", "num_episodes": 60, "games": [{"name": "matching_pennies"}],
                                   "players": [{"type": "llm", "model": "simulated_a", "max_illegal_attempts": 2},
                                               {"type": "random"}]})
    p = plan(t, facts(), lambda g, t: GroupLimits(rpm=30))
    assert p.calls == Range(low=60, high=120)
    assert p.minutes == Range(low=2, high=4)
    assert p.limited_by == "acme rpm 30"
    assert "2-4 min (limited by acme rpm 30)" in one_line(p)


def test_unknown_price_is_unknown_not_zero():
    t = Tournament.model_validate(ROUND_ROBIN)
    p = plan(t, facts(price_in=None, price_out=None), no_limits)
    assert all(m.cost_usd is None for m in p.models)
    assert p.unpriced == ["simulated_a", "simulated_b"]
    assert "unknown" in one_line(p) and "$0.00" not in one_line(p)
    assert json.loads(p.model_dump_json())["models"][0]["cost_usd"] is None


def test_scripted_only_plan_names_the_engine():
    t = Tournament.model_validate({**ROUND_ROBIN, "players": [{"type": "random"}, {"type": "random", "name": "r2"}]})
    p = plan(t, facts(), no_limits)
    assert p.models == [] and p.limited_by.startswith("engine")
    assert one_line(p).startswith(f"plan: {count(t):,} episodes of scripted players")


def test_lengths_are_measured_once_and_kept(monkeypatch):
    first = lengths.game_lengths("tic_tac_toe", {}, None, "v1")
    assert first.playouts >= lengths.MIN_PLAYOUTS and first.samples
    assert first.decisions_p10[0] <= first.decisions_mean[0] <= first.decisions_p90[0] <= 5  # x moves at most 5 times
    monkeypatch.setattr(lengths, "measure", lambda *a: pytest.fail("measured again instead of read from the cache"))
    assert lengths.game_lengths("tic_tac_toe", {}, None, "v1") == first


def test_max_moves_shortens_the_game():
    short = lengths.game_lengths("connect_four", {}, 4, "v1")
    assert short.decisions_p90 == [2.0, 2.0]


def test_an_adaptive_schedule_is_priced_from_its_fill_to_max_episodes():
    # 3 players, 2 games: 3 pairings x 2 games x 4 = 24 fill episodes; 36 is the fixed round robin of 6 per pairing.
    fixed = plan(Tournament.model_validate(ROUND_ROBIN), facts(), no_limits)
    adaptive = plan(Tournament.model_validate({**ROUND_ROBIN, "schedule": {"mode": "adaptive", "max_episodes": 36}}),
                    facts(), no_limits)
    assert adaptive.episodes == fixed.episodes == 36
    assert adaptive.cost_usd.high == pytest.approx(fixed.cost_usd.high)
    assert adaptive.cost_usd.low == pytest.approx(fixed.cost_usd.low * 24 / 36)
    assert adaptive.calls.high == pytest.approx(fixed.calls.high)
    assert any("fill (24 episodes)" in note for note in adaptive.assumptions)
