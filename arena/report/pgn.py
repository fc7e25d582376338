"""Chess games as PGN, one file per tournament, readable by any chess GUI and by python-chess.

Each finished chess episode becomes a game: its legal moves (the arena's UCI labels, replayed with
python-chess, which writes them as SAN), the players as White and Black, the result the leaderboard
counts, and how it ended in the standard Termination tag: "normal" for checkmate and the rules' draws,
"rules infraction" for a forfeit (a model out of legal answers), "adjudication" for a game the arena
stopped at its move limit and scored as a draw. The EpisodeId tag leads back to the results' rows.
Episodes that errored or were skipped are not games and are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import chess
import chess.pgn
import pandas as pd
import pyarrow as pa

from arena.results.location import ResultsDir
from arena.results.reader import Results, scan_moves
from arena.results.schema import TABLES, EpisodeStatus

CHESS = "chess"
CHUNK = 2_000
"""Chess episodes whose moves are read at once when streaming from a folder."""
MOVE_COLUMNS = ["episode_id", "move_number", "attempt", "action_label", "legal"]
WHITE, BLACK = 1, 0  # OpenSpiel's chess seats: player 1 is White and moves first
_RESULT = {("win", "loss"): "1-0", ("loss", "win"): "0-1", ("draw", "draw"): "1/2-1/2"}
_TERMINATION = {EpisodeStatus.OK.value: "normal", EpisodeStatus.FORFEIT.value: "rules infraction",
                EpisodeStatus.TRUNCATED.value: "adjudication"}


def chess_games(results: Results, root: str | Path | ResultsDir | None = None) -> Iterator[chess.pgn.Game]:
    """One PGN game per finished episode of standard chess (chess960's random start is left out), in the
    order they were played. Moves come from `results.moves`, or, when `root` is given, are read from that
    results folder CHUNK episodes at a time (a large folder is loaded without its moves)."""
    episodes = results.episodes[(results.episodes["game_key"] == CHESS)
                                & results.episodes["status"].isin(list(_TERMINATION))]
    episodes = episodes.sort_values("started_at", kind="stable")
    for start in range(0, len(episodes), CHUNK):
        part = episodes.iloc[start:start + CHUNK]
        seats = results.seats[results.seats["episode_id"].isin(part["episode_id"])].set_index(["episode_id", "seat"])
        moves = _moves(results, root, part)
        moves = moves[moves["legal"].fillna(False).astype(bool)]
        by_episode = {k: g.sort_values(["move_number", "attempt"]) for k, g in moves.groupby("episode_id", sort=False)}
        for e in part.itertuples():
            yield _game(e, seats, by_episode.get(e.episode_id))


def write_pgn(results: Results, path: Path, root: str | Path | ResultsDir | None = None) -> Path | None:
    """`path` with every chess game of `results` (moves read from `root` when given); None (nothing
    written) when there are none."""
    written = False
    with path.open("w", encoding="utf-8") as out:
        for game in chess_games(results, root):
            print(game, file=out, end="\n\n")
            written = True
    if not written:
        path.unlink()
        return None
    return path


def _moves(results: Results, root: str | Path | ResultsDir | None, episodes: pd.DataFrame) -> pd.DataFrame:
    if root is None:
        return results.moves[results.moves["episode_id"].isin(episodes["episode_id"])]
    batches = scan_moves(root, plays=episodes["play_id"].astype(str), columns=MOVE_COLUMNS)
    schema = pa.schema([TABLES["moves"].field(c) for c in MOVE_COLUMNS])
    return pa.Table.from_batches(list(batches), schema=schema).to_pandas()


def _game(e, seats: pd.DataFrame, moves: pd.DataFrame | None) -> chess.pgn.Game:
    white, black = seats.loc[(e.episode_id, WHITE)], seats.loc[(e.episode_id, BLACK)]
    game = chess.pgn.Game()
    started = pd.Timestamp(e.started_at)
    game.headers.update({
        "Event": e.tournament, "Site": "Board Game Arena", "Date": started.strftime("%Y.%m.%d"),
        "Round": str(int(e.repetition) + 1), "White": white["player"], "Black": black["player"],
        "Result": _RESULT.get((white["outcome"], black["outcome"]), "*"), "Termination": _TERMINATION[e.status],
        "EpisodeId": e.episode_id,
    })
    node: chess.pgn.GameNode = game
    board = chess.Board()
    for label in [] if moves is None else moves["action_label"]:
        move = chess.Move.from_uci(label)
        if move not in board.legal_moves:  # cannot happen for a legal row; a game cut here says so
            node.comment = f"the recorded move {label} is not legal here; the game is cut at this point"
            break
        node = node.add_variation(move)
        board.push(move)
    if e.status == EpisodeStatus.FORFEIT.value:
        loser = "White" if bool(white["forfeit"]) else "Black"
        node.comment = f"{loser} forfeited: {e.reason}" if isinstance(e.reason, str) and e.reason else f"{loser} forfeited"
    elif e.status == EpisodeStatus.TRUNCATED.value:
        node.comment = "stopped at the tournament's move limit and scored as a draw"
    return game
