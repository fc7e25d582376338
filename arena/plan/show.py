"""A plan as people read it: rich tables, or the one line `arena run` prints before it starts."""

from __future__ import annotations

import math

from rich import box
from rich.console import Console
from rich.table import Table

from arena.plan.figures import Plan, Range


def count_range(r: Range) -> str:
    low, high = round(r.low), round(r.high)
    return f"{low:,}" if low == high else f"{low:,}-{high:,}"


def size_range(r: Range) -> str:
    """Token counts in thousands or millions: the range is wide, so three digits say all that is known."""
    low, high = _size(r.low), _size(r.high)
    return low if low == high else f"{low}-{high}"


def _size(n: float) -> str:
    for limit, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= limit:
            return f"{n / limit:.3g}{unit}"
    return f"{round(n):,}"


def usd(x: float) -> str:
    """Cents where they matter; two significant digits below ten cents, so a small test run is not $0.00."""
    return f"${x:,.2f}" if x >= 0.1 or x == 0 else f"${x:.2g}"


def dollars(r: Range) -> str:
    low, high = usd(r.low), usd(r.high)
    return low if low == high else f"{low}-{high}"


def duration(r: Range) -> str:
    """Whole units of the high end's size: seconds, minutes or hours; never less than what was computed."""
    if r.high * 60 < 1:
        return "under 1 s"
    if r.high < 2:
        return f"{math.floor(r.low * 60)}-{math.ceil(r.high * 60)} s"
    if r.high < 120:
        low = f"{math.floor(r.low * 10) / 10:g}" if r.low < 10 else f"{math.floor(r.low)}"
        return f"{low}-{math.ceil(r.high)} min"
    return f"{r.low / 60:.1f}-{r.high / 60:.1f} h"


def cost_text(p: Plan) -> str:
    known = dollars(p.cost_usd) if len(p.unpriced) < len(p.models) else ""
    unknown = f"unknown for {', '.join(p.unpriced)}" if p.unpriced else ""
    return " + ".join(x for x in (known, unknown) if x)


def one_line(p: Plan) -> str:
    """e.g. 'plan: 1,200 episodes, 9,800-14,700 model calls, $3.10-$7.90, 12-25 min (limited by groq rpm 30)'."""
    if not p.has_models:
        return f"plan: {p.episodes:,} episodes of scripted players, {duration(p.minutes)} of engine time"
    return (f"plan: {p.episodes:,} episodes, {count_range(p.calls)} model calls, {cost_text(p)}, "
            f"{duration(p.minutes)} (limited by {p.limited_by})")


def print_plan(p: Plan, console: Console | None = None) -> None:
    console = console or Console()
    games = _table(f"Plan: {p.tournament}", "game", "episodes", "decisions per seat (p10-p90)", "playouts")
    for g in p.games:
        games.add_row(g.game, f"{g.episodes:,}", ", ".join(count_range(d) for d in g.decisions_per_seat),
                      str(g.playouts))
    games.add_row("all", f"{p.episodes:,}", "", "", style="bold")
    console.print(games)
    if p.models:
        models = _table("Model calls, tokens and cost", "player", "calls", "typical", "prompt tok", "answer tok", "cost")
        for m in p.models:
            models.add_row(m.player, count_range(m.calls), f"{round(m.calls_typical):,}", size_range(m.prompt_tokens),
                           size_range(m.completion_tokens), dollars(m.cost_usd) if m.cost_usd is not None else "unknown")
        known = dollars(p.cost_usd) + (" + unknown" if p.unpriced else "") if len(p.unpriced) < len(p.models) else "unknown"
        models.add_row("all", count_range(p.calls), "", size_range(p.prompt_tokens), size_range(p.completion_tokens),
                       known, style="bold")
        console.print(models)
        for m in p.models:
            console.print(f"price of {m.model}: {m.price_source}", highlight=False)
    times = _table("Time (groups run side by side)", "group", "time", "limited by")
    for x in p.time:
        times.add_row(x.group, duration(x.minutes), x.limited_by)
    times.add_row("all", duration(p.minutes), p.limited_by, style="bold")
    console.print(times)
    if p.budget_usd is not None:
        console.print(f"budget: {usd(p.budget_usd)}; estimate {cost_text(p)}")
    for note in p.assumptions:
        console.print(f"assumes: {note}", highlight=False)
    tokens = sorted({m.token_method for m in p.models})
    if tokens:
        console.print(f"tokens counted by: {', '.join(tokens)}; game lengths from random-vs-random playouts; "
                      "calls range from every answer legal to max_illegal_attempts on every decision", highlight=False)


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False)
    for i, c in enumerate(columns):
        if i == 0 or c == "limited by":
            table.add_column(c, overflow="fold", ratio=1 if i == 0 else None, min_width=12)
        else:
            table.add_column(c, justify="right", no_wrap=True)
    return table
