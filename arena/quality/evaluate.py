"""Evaluate a batch of plays: rebuild each episode from its moves rows and let its game's evaluator judge it.

One episode that does not replay, or that its evaluator fails on, gives no rows and one line saying why:
the batch goes on, and nothing is made up for the episode. What a Ray task runs (cluster/quality.py),
and what runs without Ray in tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from arena.games.base import Game
from arena.games.registry import load_game
from arena.quality.base import QUALITY, Episode, Evaluator, ReplayMismatch
from arena.quality.evaluators import close_evaluator, make
from arena.quality.settings import QualitySettings
from arena.results.location import ResultsDir
from arena.results.reader import load, scan_moves
from arena.results.schema import DONE_STATUSES, TABLES

PLAY_COLUMNS = ["episode_id", "play_id", "tournament", "game", "game_key", "game_params", "seed", "players", "status"]
"""What a batch needs to know of each play, besides its moves."""
MOVE_COLUMNS = ["play_id", "move_number", "seat", "attempt", "action", "legal", "fallback", "model"]
"""The moves columns the replay and the quality rows read (base.decisions, base.row): the states are rebuilt,
and the prompts and answers, most of a folder's bytes, are never read."""


@dataclass
class Batch:
    """The quality rows of a batch, how many episodes gave them, and why the others gave none."""

    table: pa.Table
    episodes: int = 0
    failures: list[str] = field(default_factory=list)


def finished_plays(results: str | Path | ResultsDir) -> pd.DataFrame:
    """PLAY_COLUMNS of the winning play of every episode that was played to an end (ok, truncated,
    forfeit): the plays whose moves a quality evaluation may judge."""
    r = load(results, moves=False, lean=True)
    episodes, seats = r.episodes, r.seats
    frame = pd.DataFrame({c: episodes[c].astype(object) for c in PLAY_COLUMNS if c not in ("players", "seed")})
    frame["seed"] = episodes["seed"].to_numpy()
    by_seat = seats[["episode_row", "seat", "player"]].sort_values(["episode_row", "seat"], kind="stable")
    players = by_seat.groupby("episode_row")["player"].agg(lambda p: [str(x) for x in p])
    frame["players"] = players.reindex(range(len(frame))).to_numpy()
    done = frame["status"].isin([str(s) for s in DONE_STATUSES]) & frame["players"].notna()
    return frame[done][PLAY_COLUMNS].reset_index(drop=True)


def game_of(name: str, params: object) -> Game:
    """The game of an episodes row: its name and its game_params JSON (missing: the defaults)."""
    return load_game(name, json.loads(params) if isinstance(params, str) and params else {})


def build_episodes(plays: pd.DataFrame, moves: pd.DataFrame) -> list[Episode]:
    """One Episode per finished play of `plays` (PLAY_COLUMNS), with its rows of `moves`."""
    # A part written twice holds the same rows twice.
    moves = _none_for_missing(moves.drop_duplicates(["play_id", "move_number", "seat", "attempt"]))
    by_play = dict(iter(moves.groupby("play_id", sort=False, observed=True)))
    empty = moves.iloc[:0]
    done = {str(s) for s in DONE_STATUSES}
    return [Episode(episode_id=p["episode_id"], play_id=p["play_id"], tournament=p["tournament"], game=p["game"],
                    game_key=p["game_key"], seed=int(p["seed"]), players=list(p["players"]), status=p["status"],
                    moves=by_play.get(p["play_id"], empty).reset_index(drop=True))
            for p in plays.to_dict("records") if p["status"] in done]


def evaluate_episodes(episodes: Iterable[Episode], evaluator_for: Callable[[Episode], Evaluator | None],
                      params: dict[str, object] | None = None) -> Batch:
    """Quality rows of `episodes`; `evaluator_for` gives an episode's evaluator (None: not judged here);
    `params`: game_params JSON by game_key (default: the game with its default parameters)."""
    rows: list[dict[str, object]] = []
    batch = Batch(QUALITY.empty_table())
    for episode in episodes:
        try:
            evaluator = evaluator_for(episode)
            if evaluator is None:
                continue
            game = game_of(episode.game, (params or {}).get(episode.game_key))
            rows.extend(evaluator.evaluate(game, episode))
        except ReplayMismatch as e:
            batch.failures.append(_one_line(f"{e}"))
            continue
        except Exception as e:  # noqa: BLE001 - one episode's failure is reported, never the batch's
            batch.failures.append(_one_line(f"episode {episode.episode_id} ({episode.game_key}): "
                                            f"{type(e).__name__}: {e}"))
            continue
        batch.episodes += 1
    if rows:  # one table of one chunk: a table of a chunk per episode costs more to send than to make
        batch.table = pa.Table.from_pylist(rows, schema=QUALITY)
    return batch


def _none_for_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with text columns with None where a value is missing, as the quality rows record it (pandas' own string
    type would hand the evaluators NaN, which is no text)."""
    frame = frame.copy()
    for name in frame.columns:
        if pd.api.types.is_string_dtype(frame[name].dtype) and not isinstance(frame[name].dtype, pd.CategoricalDtype):
            column = frame[name].astype(object)
            frame[name] = column.where(column.notna(), None)
    return frame


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit - 3] + "..."


def evaluate_plays(results: str | Path | ResultsDir, plays: pd.DataFrame, kinds: dict[str, str],
                   settings: QualitySettings) -> Batch:
    """Read the moves of `plays` (PLAY_COLUMNS) from `results` and evaluate them; `kinds`: evaluator kind
    by game_key (a game not in it is not judged). One evaluator per kind, closed at the end."""
    play_ids = plays["play_id"]
    batches = list(scan_moves(results, plays=play_ids, columns=MOVE_COLUMNS))
    table = pa.Table.from_batches(batches) if batches else TABLES["moves"].empty_table().select(MOVE_COLUMNS)
    moves = table.to_pandas()
    made: dict[str, Evaluator] = {}
    broken: dict[str, Exception] = {}  # a kind that could not be made (no engine) fails each of its episodes once

    def evaluator_for(episode: Episode) -> Evaluator | None:
        kind = kinds.get(episode.game_key)
        if kind is None:
            return None
        if kind in broken:
            raise broken[kind]
        if kind not in made:
            try:
                made[kind] = make(kind, settings)
            except Exception as e:
                broken[kind] = e
                raise
        return made[kind]

    params = dict(zip(plays["game_key"], plays["game_params"], strict=True))
    try:
        return evaluate_episodes(build_episodes(plays, moves), evaluator_for, params)
    finally:
        for evaluator in made.values():
            close_evaluator(evaluator)
