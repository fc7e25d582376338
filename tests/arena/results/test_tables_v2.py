"""What the tables say without joins or guesswork: context columns, one label vocabulary, the final
position, nulls for missing values, and which seat moved first."""

import asyncio

import pyspiel
import pytest

from arena.chat import ChatRequest, ChatResult
from arena.config import Tournament
from arena.results import load
from arena.results.manifest import Manifest
from arena.results.location import ResultsDir
from arena.results.writer import write_parts
from arena.schedule import episodes
from arena.shard import play_shard


class FirstLegalMove:
    """A model that answers the first legal move in JSON."""

    async def chat(self, request: ChatRequest) -> ChatResult:
        return ChatResult(text='{"action": "%s"}' % request.legal_moves[0], prompt_tokens=10, completion_tokens=5)


def _played(tmp_path, game: str, players: list[dict], **extra):
    t = Tournament.model_validate({"name": "v2", "games": [{"name": game}], "players": players,
                                   "episodes_per_pairing": 2, **extra})
    root = ResultsDir(tmp_path)
    manifest = Manifest(root, t)
    write_parts(root, asyncio.run(play_shard(t, list(episodes(t)), lambda spec: FirstLegalMove())))
    manifest.save("finished")
    return load(tmp_path)


SCRIPTED = [{"type": "random"}, {"type": "mcts", "simulations": 3}]
WITH_MODEL = [{"type": "random"}, {"type": "llm", "model": "simulated_x"}]


def test_moves_carry_tournament_game_and_model(tmp_path):
    r = _played(tmp_path, "tic_tac_toe", WITH_MODEL)
    assert set(r.moves["tournament"]) == {"v2"} and set(r.moves["game"]) == {"tic_tac_toe"}
    assert set(r.moves["game_key"]) == {"tic_tac_toe"}
    model_rows = r.moves[r.moves["player"] == "simulated_x"]
    assert set(model_rows["model"]) == {"simulated_x"}
    assert r.moves[r.moves["player"] == "random"]["model"].isna().all()  # scripted: null, not ""
    assert r.seats[r.seats["player"] == "random"]["model"].isna().all()
    assert set(r.seats["tournament"]) == {"v2"}


def test_action_label_is_the_renderers_for_every_player_and_spiel_action_is_kept(tmp_path):
    r = _played(tmp_path, "tic_tac_toe", SCRIPTED + [{"type": "llm", "model": "simulated_x"}])
    legal = r.moves[r.moves["legal"]]
    cells = {f"{c}{n}" for c in "abc" for n in "123"}
    assert set(legal["action_label"]) <= cells  # the labels models see (a1..c3), whoever moved
    assert set(legal["player"]) == {"random", "mcts_3", "simulated_x"}
    assert legal["spiel_action"].str.match(r"^[xo]\(\d,\d\)$").all()  # OpenSpiel's own, in its own column


def test_final_position_is_stored(tmp_path):
    r = _played(tmp_path, "tic_tac_toe", SCRIPTED)
    game = pyspiel.load_game("tic_tac_toe")
    for eid, moves in r.moves.groupby("episode_id"):
        moves = moves.sort_values(["move_number", "attempt"])
        last = moves["move_number"].max()
        assert moves[moves["move_number"] < last]["state_after"].isna().all()
        final = moves[moves["move_number"] == last]["state_after"].iloc[0]
        state = game.new_initial_state()
        for a in moves[moves["legal"]]["action"]:
            state.apply_action(int(a))
        assert state.is_terminal() and final == str(state)


def test_missing_values_are_nulls_not_empty_strings(tmp_path):
    r = _played(tmp_path, "tic_tac_toe", SCRIPTED)
    scripted = r.moves
    for column in ("prompt", "raw_response", "reasoning", "parser_path", "fallback", "error", "error_class", "model"):
        assert scripted[column].isna().all(), column
    assert r.episodes["reason"].isna().all()  # every episode ended ok
    for table in (r.episodes, r.seats, r.moves):
        for column in table.columns:
            assert not table[column].map(lambda v: isinstance(v, str) and v == "").any(), column


@pytest.mark.parametrize("game, first", [("chess", 1), ("tic_tac_toe", 0), ("kuhn_poker", 0), ("matrix_rps", None)])
def test_results_say_which_seat_moved_first(tmp_path, game, first):
    r = _played(tmp_path, game, [{"type": "random"}, {"type": "random", "name": "r2"}],
                max_moves=4)
    if first is None:
        assert r.episodes["first_seat"].isna().all() and r.seats["first_mover"].isna().all()
        return
    assert (r.episodes["first_seat"] == first).all()
    assert (r.seats["first_mover"] == (r.seats["seat"] == first)).all()
