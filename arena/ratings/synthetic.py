"""Synthetic results with known strengths: for tests, the ratings benchmark and trying out reports.

Each episode seats a uniformly chosen pair in a random order; the seat that moves
first (`mover`: seat 0 by default, seat 1 as White in OpenSpiel chess, None for a
simultaneous first decision, which has no first-move advantage) wins with the
Bradley-Terry probability of the true Elo difference plus the first-move
advantage. Optional draws (a fixed share, decided before the winner) and
rule-breaking, token, cost and latency figures make the tables look like a real
tournament's; they do not depend on strength. Missing values are nulls, as in a
results folder.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa

from arena.results.reader import Results
from arena.results.schema import EPISODES, MOVES, SEATS, EpisodeStatus


def synthetic_results(strengths: dict[str, float], episodes: int, seed: int = 0, *, games: tuple[str, ...] = ("g",),
                      draw_rate: float = 0.0, first_move_elo: float = 0.0, mover: int | None = 0,
                      forfeit_rate: float = 0.0, illegal_per_decision: float = 0.0,
                      llm_players: tuple[str, ...] = (), moves: bool = False) -> Results:
    """`episodes` two-player episodes among `strengths` (Elo points), spread evenly over `games`.

    Players in `llm_players` get tokens, a cost and per-call latencies (and, with
    `moves`, one moves row per decision); the others are scripted: no calls, no cost.
    """
    if mover is None and first_move_elo:
        raise ValueError("first_move_elo needs a seat that moves first (mover 0 or 1)")
    rng = np.random.default_rng(seed)
    names = np.array(list(strengths), dtype=object)
    elo = np.array([strengths[n] for n in names], dtype=float)
    a = rng.integers(0, len(names), episodes)
    b = (a + rng.integers(1, len(names), episodes)) % len(names)  # a different player
    edge = first_move_elo if mover != 1 else -first_move_elo  # for seat 0 (a) over seat 1 (b)
    p_seat0 = 1.0 / (1.0 + 10.0 ** (-(elo[a] - elo[b] + edge) / 400.0))
    draw = rng.random(episodes) < draw_rate
    seat0_wins = rng.random(episodes) < p_seat0
    forfeit_seat = np.where(rng.random(episodes) < forfeit_rate, rng.integers(0, 2, episodes), -1)
    ret0 = np.where(draw, 0.0, np.where(seat0_wins, 1.0, -1.0))
    ret0 = np.where(forfeit_seat == 0, -1.0, np.where(forfeit_seat == 1, 1.0, ret0))
    status = np.where(forfeit_seat >= 0, EpisodeStatus.FORFEIT.value, EpisodeStatus.OK.value)
    ids = np.array([f"ep{seed}-{i:07d}" for i in range(episodes)], dtype=object)
    game = np.array(games, dtype=object)[np.arange(episodes) % len(games)]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    started = pd.to_datetime([start + timedelta(seconds=int(i)) for i in range(episodes)], utc=True)
    decisions = rng.integers(3, 10, size=(episodes, 2))
    seat_rows = []
    for seat, (players, ret) in enumerate([(a, ret0), (b, -ret0)]):
        player = names[players]
        llm = np.isin(player, list(llm_players))
        n_dec = decisions[:, seat]
        seat_rows.append(pd.DataFrame({
            "episode_id": ids, "play_id": ids, "game": game, "game_key": game, "seat": seat, "player": player,
            "player_type": np.where(llm, "llm", "scripted"), "model": np.where(llm, player, ""),
            "status": status, "return": ret,
            "outcome": np.where(ret > 0, "win", np.where(ret < 0, "loss", "draw")),
            "decisions": n_dec,
            "illegal_attempts": np.where(llm, rng.poisson(illegal_per_decision * n_dec), 0),
            "forfeit": forfeit_seat == seat,
            "prompt_tokens": np.where(llm, n_dec * 400, 0), "completion_tokens": np.where(llm, n_dec * 20, 0),
            "cost_usd": np.where(llm, n_dec * _price(player), 0.0),
            "latency_s": np.where(llm, n_dec * 0.5, 0.0),
        }))
    seats = pd.concat(seat_rows, ignore_index=True).sort_values(["episode_id", "seat"], kind="stable")
    episode_rows = pd.DataFrame({
        "episode_id": ids, "play_id": ids, "tournament": "synthetic", "game": game, "game_key": game,
        "game_params": "{}", "players": [[x, y] for x, y in zip(names[a], names[b], strict=True)], "seed": np.arange(episodes),
        "status": status, "returns": [[r, -r] for r in ret0], "num_moves": decisions.sum(1), "started_at": started,
    })
    move_rows = _moves(seats, rng) if moves else pd.DataFrame(columns=MOVES.names)
    seats = complete(seats.reset_index(drop=True), SEATS)
    first_mover = pd.array([None] * len(seats) if mover is None else seats["seat"] == mover, dtype="boolean")
    return Results(complete(episode_rows, EPISODES), seats.assign(first_mover=first_mover),
                   complete(move_rows, MOVES))


def _price(players: np.ndarray) -> np.ndarray:
    """A per-decision price that differs by model (stable across runs: from the name's letters)."""
    return np.array([1e-4 * (1 + sum(map(ord, str(p))) % 50) for p in players])


def _moves(seats: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One moves row per decision of the model players, with a log-normal latency."""
    llm = seats[seats["player_type"] == "llm"]
    rows = llm.loc[llm.index.repeat(llm["decisions"])]
    latency = rng.lognormal(math.log(0.5), 0.6, len(rows))
    return pd.DataFrame({
        "episode_id": rows["episode_id"].to_numpy(), "play_id": rows["play_id"].to_numpy(),
        "move_number": rows.groupby(level=0).cumcount().to_numpy(), "seat": rows["seat"].to_numpy(),
        "player": rows["player"].to_numpy(), "attempt": 1, "prompt": "[...]", "legal": True,
        "latency_s": latency,
    })


def complete(df: pd.DataFrame, schema: pa.Schema) -> pd.DataFrame:
    """`df` with every column of `schema`, in schema order, missing ones filled with nulls (strings) or zeros."""
    out = {}
    for field in schema:
        if field.name in df.columns:
            out[field.name] = df[field.name].to_numpy() if len(df) else []
            continue
        t = field.type
        if pa.types.is_string(t):
            fill: object = None
        elif pa.types.is_boolean(t):
            fill = False
        elif pa.types.is_list(t):
            out[field.name] = [[] for _ in range(len(df))]
            continue
        elif pa.types.is_timestamp(t):
            fill = pd.Timestamp("2026-01-01", tz="UTC")
        else:
            fill = 0
        out[field.name] = [fill] * len(df)
    return pa.Table.from_pydict(out, schema=schema).to_pandas()
