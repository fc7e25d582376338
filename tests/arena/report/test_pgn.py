"""Chess games as PGN: read back by python-chess, one game per finished episode, results as the leaderboard counts them."""

from __future__ import annotations

import asyncio
import io
import random

import chess
import chess.pgn
import pytest

from arena.chat import ChatRequest, ChatResult
from arena.config import Tournament
from arena.report.command import report_command
from arena.results import load
from arena.results.writer import write_parts
from arena.schedule import episodes
from arena.shard import play_shard


class Blunderer:
    """Answers a random legal move, or a move that is never legal one time in four."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    async def chat(self, request: ChatRequest) -> ChatResult:
        text = "a1a1" if self.rng.random() < 0.25 else self.rng.choice(request.legal_moves)
        return ChatResult(text=text, prompt_tokens=10, completion_tokens=2)


@pytest.fixture(scope="module")
def chess_results(tmp_path_factory):
    t = Tournament.model_validate({
        "name": "pgn", "games": [{"name": "chess", "max_moves": 60}, {"name": "tic_tac_toe"}], "episodes_per_pairing": 4,
        "players": [{"type": "random"}, {"type": "random", "name": "random_2"},
                    {"type": "llm", "model": "simulated_blunder", "max_illegal_attempts": 1, "on_illegal": "forfeit"}],
    })
    root = tmp_path_factory.mktemp("results") / t.name
    model = Blunderer(seed=3)
    write_parts(root, asyncio.run(play_shard(t, episodes(t), backend_for=lambda spec: model)))
    return root


def _games(text: str) -> list[chess.pgn.Game]:
    stream, games = io.StringIO(text), []
    while (game := chess.pgn.read_game(stream)) is not None:
        games.append(game)
    return games


def test_every_chess_episode_is_a_game_python_chess_reads(chess_results, tmp_path):
    assert report_command(str(chess_results), out=str(tmp_path), rounds=0) == 0
    games = _games((tmp_path / "games.pgn").read_text())
    r = load(chess_results)
    played = r.episodes[r.episodes.game == "chess"].set_index("episode_id")
    assert len(games) == len(played) == 12
    # Random players rarely mate in 60 moves: the move limit and the model's forfeits end these games.
    assert {"rules infraction", "adjudication"} <= {g.headers["Termination"] for g in games} <= {
        "normal", "rules infraction", "adjudication"}
    for game in games:
        e = played.loc[game.headers["EpisodeId"]]
        assert not game.errors  # every move replays legally
        assert game.headers["Event"] == "pgn" and game.headers["Site"] == "Board Game Arena"
        assert {game.headers["White"], game.headers["Black"]} <= {"random", "random_2", "simulated_blunder"}
        assert game.headers["White"] == e.players[1]  # OpenSpiel's chess: seat 1 is White
        seats = r.seats[r.seats.episode_id == e.name].set_index("seat")
        white, black = seats.loc[1, "outcome"], seats.loc[0, "outcome"]
        expected = {("win", "loss"): "1-0", ("loss", "win"): "0-1", ("draw", "draw"): "1/2-1/2"}[(white, black)]
        assert game.headers["Result"] == expected
        moves = list(game.mainline_moves())
        legal = r.moves[(r.moves.episode_id == e.name) & r.moves.legal]
        assert [m.uci() for m in moves] == legal.sort_values("move_number").action_label.tolist()
        if e.status == "forfeit":
            assert game.headers["Termination"] == "rules infraction" and "forfeited" in game.end().comment
        if e.status == "truncated":
            assert game.headers["Termination"] == "adjudication" and len(moves) == 60
            assert game.headers["Result"] == "1/2-1/2"  # as the leaderboard scores it


def test_a_tournament_without_chess_gets_no_pgn(results_dir, tmp_path):
    assert report_command(str(results_dir), out=str(tmp_path), rounds=0) == 0
    assert (tmp_path / "report.html").exists() and not (tmp_path / "games.pgn").exists()
