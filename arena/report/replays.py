"""The report's replay viewer: OUT/replays/ with the static pages, an index of the episodes that have a
replay (episodes.js) and one data file per episode (data/<first 2 chars of id>/<id>.js).

Pages opened from disk (file://) may not fetch() files, but may load scripts: so every data file is a
script calling a function the page defines. The moves are read one play at a time
(arena.report.replay_stream), never all at once; episodes and seats are the tables already loaded.
"""

from __future__ import annotations

import re
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from arena.report.chess_pieces import write_chess_pieces
from arena.report.replay_data import MOVE_COLUMNS, index_record, replay, script, script_json
from arena.report.replay_select import choose
from arena.report.replay_stream import play_rows
from arena.results.location import ResultsDir

REPLAYS = 10_000
"""Replays written by default: enough to browse a tournament, few enough to write quickly."""
VIEWER_FILES = ("index.html", "episode.html", "viewer.js", "viewer.css", "boards.js")
FOLDER = "replays"
DATA = "data"
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]+")  # episode ids are hex hashes; anything else must not become a path


def write_replays(root: str | Path | ResultsDir, episodes: pd.DataFrame, seats: pd.DataFrame, out: Path,
                  limit: int) -> set[str]:
    """Replays of at most `limit` episodes (arena.report.replay_select chooses which) into `out`/replays/;
    the episode_ids that got one. `episodes` and `seats` are those of arena.results.load (winning plays).
    `limit` 0 writes nothing. The data holds each position's state text, never a drawing: the viewer draws
    the positions itself (viewer/boards.js)."""
    chosen = choose(episodes, seats, limit)
    if not chosen:
        return set()
    unsafe = [e for e in chosen if not _SAFE_ID.fullmatch(e)]
    if unsafe:
        raise ValueError(f"episode_id '{unsafe[0]}' cannot name a file: expected letters, digits, '-' or '_'")
    folder = out / FOLDER
    shutil.rmtree(folder / DATA, ignore_errors=True)  # replays of an earlier report must not outlive its index
    folder.mkdir(parents=True, exist_ok=True)
    picked = episodes[episodes["episode_id"].isin(set(chosen))]
    by_play = {str(e["play_id"]): e for e in picked.to_dict("records")}
    seats_of = _seats_by_episode(seats, set(chosen))
    _write_index(folder, picked, seats_of, total=len(episodes), limit=limit)
    pending = set(by_play)
    for play, rows in play_rows(root, pending, MOVE_COLUMNS):
        episode = by_play[play]
        _write_replay(folder, replay(episode, seats_of.get(str(episode["episode_id"]), []), rows))
        pending.discard(play)
    for play in sorted(pending):  # no moves at all (e.g. skipped before the first decision): header only
        episode = by_play[play]
        _write_replay(folder, replay(episode, seats_of.get(str(episode["episode_id"]), []), []))
    for name in VIEWER_FILES:
        (folder / name).write_bytes(resources.files("arena.report").joinpath("viewer", name).read_bytes())
    write_chess_pieces(folder)  # the artwork boards.js draws chess pieces with
    return set(chosen)


def data_path(episode_id: str) -> str:
    """Where an episode's replay lies inside OUT/replays/ (the viewer builds the same path)."""
    return f"{DATA}/{episode_id[:2]}/{episode_id}.js"


def _seats_by_episode(seats: pd.DataFrame, episode_ids: set[str]) -> dict[str, list[dict[str, Any]]]:
    """The seat rows of each episode, in seat order (those of the winning play: `seats` holds no others)."""
    mine = seats[seats["episode_id"].isin(episode_ids)].sort_values(["episode_id", "seat"])
    found: dict[str, list[dict[str, Any]]] = {}
    for row in mine.to_dict("records"):
        found.setdefault(str(row["episode_id"]), []).append(row)
    return found


def _write_index(folder: Path, picked: pd.DataFrame, seats_of: dict[str, list[dict[str, Any]]], total: int,
                 limit: int) -> None:
    ordered = picked.sort_values(["game_key", "started_at", "episode_id"], kind="stable")
    records = [index_record(e, seats_of.get(str(e["episode_id"]), [])) for e in ordered.to_dict("records")]
    about = {"episodes": total, "replays": len(records), "limit": limit,
             "tournament": ", ".join(sorted(set(map(str, picked["tournament"]))))}
    text = f"window.ARENA_REPLAYS = {script_json(about)};\nwindow.ARENA_EPISODES = {script_json(records)};\n"
    (folder / "episodes.js").write_text(text, encoding="utf-8")


def _write_replay(folder: Path, data: dict[str, Any]) -> None:
    path = folder / data_path(str(data["id"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(script("window.arenaReplay", data), encoding="utf-8")


def replays_note(replayed: int, episodes: int) -> str:
    """The overview's line on how many episodes have a replay."""
    if replayed == 0:
        return "No replays were written (arena report --replays 0)."
    if replayed == episodes:
        return f"Every one of the {episodes} episodes has a replay (replays/index.html)."
    return (f"Replays of {replayed} of {episodes} episodes (arena report --replays): every episode with a forfeit, "
            "an error or an illegal attempt first, the rest spread evenly over games and pairings (replays/index.html).")
