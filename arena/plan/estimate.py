"""A tournament's plan from its schedule, measured game lengths and what the backends know of each model.

Backends supply the model facts (price, token counting, which limits its calls share); this module
only combines them, so it stays free of LiteLLM, vLLM and Ray.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from arena.agents.prompts import Messages
from arena.config.models import GameSpec, LLMPlayer, Tournament
from arena.plan.figures import ZERO, GamePlan, ModelPlan, Plan, Range, TimePlan
from arena.plan.lengths import GameLengths, game_lengths
from arena.schedule import count

# Engine throughput for scripted players: bench/engine.py measured 9,000-11,500 episodes/s in one
# process, bench/scale.py 2,070 at small scale on a 3-node local cluster (docs/benchmarks.md).
ENGINE_EPISODES_PER_S = Range(low=2_000, high=10_000)
ENGINE_NOTE = (f"engine {ENGINE_EPISODES_PER_S.low:,.0f}-{ENGINE_EPISODES_PER_S.high:,.0f} episodes/s of scripted "
               "play (bench/engine.py, bench/scale.py); MCTS and UCI players are slower and not estimated")


@dataclass(frozen=True)
class GroupLimits:
    """What bounds the speed of the calls one provider account, deployment or stand-in serves."""

    rpm: int | None = None
    tpm: int | None = None
    concurrency: int | None = None
    latency_s: Range | None = None  # per call; with concurrency, a bound
    requests_per_s: float | None = None  # e.g. gateways × what one gateway serves
    tokens_per_s: Range | None = None  # a deployment's capacity (prompt and completion tokens)
    per_model: dict[str, GroupLimits] = field(default_factory=dict)  # a model's own limits within the group
    notes: tuple[str, ...] = ()  # the assumptions behind these numbers


@dataclass(frozen=True)
class ModelFacts:
    """What a backend knows of one llm player's model."""

    price_in: float | None  # USD per prompt token; None: unknown
    price_out: float | None
    price_source: str
    count_tokens: Callable[[Messages], int]
    token_method: str
    group: str


Facts = Callable[[LLMPlayer, Tournament], ModelFacts]
Limits = Callable[[str, Tournament], GroupLimits]


@dataclass
class _Usage:
    decisions: Range = ZERO
    decisions_mean: float = 0.0
    calls: Range = ZERO
    prompt: Range = ZERO
    completion: Range = ZERO
    longest_episode_calls: float = 0.0
    shortest_episode_calls: float = float("inf")


def seat_counts(t: Tournament) -> dict[tuple[str, int, str], int]:
    """(game key, seat, player) -> episodes in which that player takes that seat; sums to seats × count(t)."""
    names = [p.display_name for p in t.players]
    out: dict[tuple[str, int, str], int] = {}
    for game in t.games:
        if t.format == "match":
            for seat, name in enumerate(names):
                out[(game.key, seat, name)] = out.get((game.key, seat, name), 0) + t.num_episodes
            continue
        # Round robin: each pair plays both seatings, episodes_per_pairing / 2 times each; an adaptive schedule's
        # max_episodes spread evenly (where it goes is known only as it plays).
        per_pairing = t.episodes_per_pairing if t.schedule.mode != "adaptive" else \
            count(t) // (len(names) * (len(names) - 1) // 2 * len(t.games))
        for name in names:
            for seat in (0, 1):
                out[(game.key, seat, name)] = (len(names) - 1) * per_pairing // 2
    return out


def plan(t: Tournament, facts: Facts, limits: Limits, assumptions: list[str] | None = None) -> Plan:
    seats = seat_counts(t)
    lengths: dict[tuple[str, str], GameLengths] = {}

    def measured(game: GameSpec, version: str) -> GameLengths:
        if (game.key, version) not in lengths:
            lengths[(game.key, version)] = game_lengths(game.name, dict(game.params), t.max_moves_for(game), version)
        return lengths[(game.key, version)]

    per_game_episodes = count(t) // len(t.games)
    games = []
    for game in t.games:
        g = measured(game, t.players[0].prompt_version if isinstance(t.players[0], LLMPlayer) else "v1")
        games.append(GamePlan(game=game.key, episodes=per_game_episodes, playouts=g.playouts,
                              decisions_per_seat=[Range(low=lo, high=hi)
                                                  for lo, hi in zip(g.decisions_p10, g.decisions_p90, strict=True)]))
    models: list[ModelPlan] = []
    groups: dict[str, list[tuple[ModelPlan, _Usage]]] = {}
    for p in t.players:
        if not isinstance(p, LLMPlayer):
            continue
        f = facts(p, t)
        use = _Usage()
        for game in t.games:
            g = measured(game, p.prompt_version)
            _add_game(use, p, f, g, {s: n for (k, s, name), n in seats.items() if k == game.key and name == p.display_name})
        cost = None
        if f.price_in is not None or f.price_out is not None:
            cost = use.prompt.scaled(f.price_in or 0.0) + use.completion.scaled(f.price_out or 0.0)
        models.append(ModelPlan(player=p.display_name, model=p.model, calls=use.calls,
                                calls_typical=use.decisions_mean * (1 + p.max_illegal_attempts) / 2,
                                prompt_tokens=use.prompt, completion_tokens=use.completion, token_method=f.token_method,
                                cost_usd=cost, price_source=f.price_source, group=f.group))
        groups.setdefault(f.group, []).append((models[-1], use))
    times = [_group_time(name, members, limits(name, t)) for name, members in groups.items()]
    times.append(_bounded("engine", {"speed": Range(
        low=count(t) / ENGINE_EPISODES_PER_S.high / 60, high=count(t) / ENGINE_EPISODES_PER_S.low / 60)}))
    slowest = max(times, key=lambda x: x.minutes.high)
    notes = [*(assumptions or []), ENGINE_NOTE]
    for name in groups:
        notes += [n for n in limits(name, t).notes if n not in notes]
    if t.schedule.mode == "adaptive":
        fill = adaptive_fill(t)
        low = fill / count(t)
        notes.append(f"adaptive schedule: the figures' high ends are max_episodes ({count(t)}) played; the low "
                     f"ends only the first round's fill ({fill} episodes), where it may stop")
        models = [m.model_copy(update={k: _low_scaled(getattr(m, k), low) for k in _PER_MODEL}) for m in models]
        times = [x.model_copy(update={"minutes": _low_scaled(x.minutes, low)}) for x in times]
    return Plan(
        tournament=t.name, episodes=count(t), games=games, models=models,
        calls=sum((m.calls for m in models), ZERO), prompt_tokens=sum((m.prompt_tokens for m in models), ZERO),
        completion_tokens=sum((m.completion_tokens for m in models), ZERO),
        cost_usd=sum((m.cost_usd for m in models if m.cost_usd is not None), ZERO),
        unpriced=[m.model for m in models if m.cost_usd is None], budget_usd=t.budget_usd, time=times,
        minutes=Range(low=max(x.minutes.low for x in times), high=slowest.minutes.high),
        limited_by=f"{slowest.group} {slowest.limited_by}", assumptions=notes,
    )


_PER_MODEL = ("calls", "prompt_tokens", "completion_tokens", "cost_usd")


def adaptive_fill(t: Tournament) -> int:
    """The episodes of an adaptive schedule's first round: min_per_pairing (both seatings) of every pairing, every game."""
    n = len(t.players)
    return min(count(t), 2 * -(-t.schedule.min_per_pairing // 2) * n * (n - 1) // 2 * len(t.games))


def _low_scaled(r: Range | None, by: float) -> Range | None:
    return None if r is None else Range(low=r.low * by, high=r.high)


def _add_game(use: _Usage, p: LLMPlayer, f: ModelFacts, g: GameLengths, episodes_by_seat: dict[int, int]) -> None:
    first = [f.count_tokens(s.first) for s in g.samples]
    again = [f.count_tokens(s.again) for s in g.samples]
    answer = min(f.count_tokens([{"role": "assistant", "content": s.answer}]) for s in g.samples)
    attempts = p.max_illegal_attempts
    # The k-th attempt's prompt carries k-1 rounds of bad answer and re-prompt.
    worst_prompt = sum(max(first) + k * (max(again) - max(first)) for k in range(attempts))
    for seat, n in episodes_by_seat.items():
        low, mean, high = g.decisions_p10[seat] * n, g.decisions_mean[seat] * n, g.decisions_p90[seat] * n
        use.decisions += Range(low=low, high=high)
        use.decisions_mean += mean
        use.calls += Range(low=low, high=high * attempts)
        use.prompt += Range(low=low * min(first), high=high * worst_prompt)
        use.completion += Range(low=low * answer, high=high * attempts * p.max_tokens)
        if n:
            use.longest_episode_calls = max(use.longest_episode_calls, g.decisions_p90[seat] * attempts)
            use.shortest_episode_calls = min(use.shortest_episode_calls, g.decisions_p10[seat])


def _group_time(name: str, members: list[tuple[ModelPlan, _Usage]], lim: GroupLimits) -> TimePlan:
    calls = sum((m.calls for m, _ in members), ZERO)
    tokens = sum((m.prompt_tokens + m.completion_tokens for m, _ in members), ZERO)
    bounds = _bounds(calls, tokens, lim)
    if lim.latency_s is not None:  # an episode's own calls follow one another
        longest = max(u.longest_episode_calls for _, u in members)
        shortest = min(min(u.shortest_episode_calls for _, u in members), longest)
        bounds["one episode's calls in a row"] = Range(low=shortest * lim.latency_s.low / 60,
                                                       high=longest * lim.latency_s.high / 60)
    for m, _ in members:
        own = lim.per_model.get(m.model)
        if own is not None:
            bounds.update({f"{m.model} {k}": v for k, v in _bounds(m.calls, m.prompt_tokens + m.completion_tokens,
                                                                    own).items()})
    return _bounded(name, bounds)


def _bounds(calls: Range, tokens: Range, lim: GroupLimits) -> dict[str, Range]:
    out: dict[str, Range] = {}
    if lim.rpm:
        out[f"rpm {lim.rpm:,}"] = calls.scaled(1 / lim.rpm)
    if lim.tpm:
        out[f"tpm {lim.tpm:,}"] = tokens.scaled(1 / lim.tpm)
    if lim.concurrency and lim.latency_s is not None:
        out[f"concurrency {lim.concurrency} × latency {_s(lim.latency_s)}"] = Range(
            low=calls.low * lim.latency_s.low / lim.concurrency / 60,
            high=calls.high * lim.latency_s.high / lim.concurrency / 60)
    if lim.requests_per_s:
        out[f"gateways ({lim.requests_per_s:,.0f} requests/s)"] = calls.scaled(1 / lim.requests_per_s / 60)
    if lim.tokens_per_s is not None:
        out[f"capacity {lim.tokens_per_s.low:,.0f}-{lim.tokens_per_s.high:,.0f} tokens/s"] = Range(
            low=tokens.low / lim.tokens_per_s.high / 60, high=tokens.high / lim.tokens_per_s.low / 60)
    return out


def _s(r: Range) -> str:
    return f"{r.low:g}-{r.high:g} s" if r.low != r.high else f"{r.low:g} s"


def _bounded(group: str, bounds: dict[str, Range]) -> TimePlan:
    if not bounds:
        return TimePlan(group=group, minutes=ZERO, limited_by="nothing known", bounds={})
    name, worst = max(bounds.items(), key=lambda kv: kv[1].high)
    return TimePlan(group=group, minutes=Range(low=max(b.low for b in bounds.values()), high=worst.high),
                    limited_by=name, bounds=bounds)
