"""Chess games as PGN, one file per tournament, readable by any chess GUI and by python-chess.

Each finished chess episode becomes a game: its legal moves (the arena's UCI labels, replayed with
python-chess, which writes them as SAN), the players as White and Black, the result the leaderboard
counts, and how it ended in the standard Termination tag: "normal" for checkmate and the rules' draws,
"rules infraction" for a forfeit (a model out of legal answers), "adjudication" for a game the arena
stopped at its move limit and scored as a draw. The EpisodeId tag leads back to the results' rows.
Episodes that errored or were skipped are not games and are left out.
"""

from __future__ import annotations

import io
from pathlib import Path

import chess
import chess.pgn
import pandas as pd

from arena.results.reader import Results
from arena.results.schema import EpisodeStatus

CHESS = "chess"
WHITE, BLACK = 1, 0  # OpenSpiel's chess seats: player 1 is White and moves first
_RESULT = {("win", "loss"): "1-0", ("loss", "win"): "0-1", ("draw", "draw"): "1/2-1/2"}
_TERMINATION = {EpisodeStatus.OK.value: "normal", EpisodeStatus.FORFEIT.value: "rules infraction",
                EpisodeStatus.TRUNCATED.value: "adjudication"}


def chess_games(results: Results) -> list[chess.pgn.Game]:
    """One PGN game per finished episode of standard chess (chess960's random start is left out), in the
    order they were played."""
    episodes = results.episodes[(results.episodes["game_key"] == CHESS)
                                & results.episodes["status"].isin(list(_TERMINATION))]
    if episodes.empty:
        return []
    seats = results.seats[results.seats["episode_id"].isin(episodes["episode_id"])].set_index(["episode_id", "seat"])
    moves = results.moves
    moves = moves[moves["episode_id"].isin(episodes["episode_id"]) & moves["legal"].fillna(False).astype(bool)]
    by_episode = {k: g.sort_values(["move_number", "attempt"]) for k, g in moves.groupby("episode_id", sort=False)}
    return [_game(e, seats, by_episode.get(e.episode_id)) for e in episodes.sort_values("started_at").itertuples()]


def write_pgn(results: Results, path: Path) -> Path | None:
    """`path` with every chess game of `results`; None (nothing written) when there are none."""
    games = chess_games(results)
    if not games:
        return None
    out = io.StringIO()
    for game in games:
        print(game, file=out, end="\n\n")
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


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
