"""`arena play` in-process: its config is read once and serves both the opponent and the backend settings."""

from __future__ import annotations

import io
import random
import textwrap

import numpy as np
import pytest

from arena import play
from arena.agents.base import Turn
from arena.agents.human import HumanAgent
from arena.config.errors import ConfigError
from arena.config.models import MCTSPlayer
from arena.episode import EpisodeLog
from arena.games import load_game
from arena.results.schema import EpisodeStatus

CONFIG = """\
    name: with_a_bot
    games:
      - name: tic_tac_toe
    players:
      - type: random
      - type: mcts
        name: bot
        simulations: 5
    """


def _closed_input(prompt: str) -> str:
    raise EOFError


def test_play_reads_its_config_once_and_finds_the_named_player(tmp_path, monkeypatch, capsys):
    config = tmp_path / "t.yaml"
    config.write_text(textwrap.dedent(CONFIG))
    reads: list[tuple] = []
    load = play.load_tournament

    def counting_load(path, overrides=()):
        reads.append((path, list(overrides)))
        return load(path, overrides)

    monkeypatch.setattr(play, "load_tournament", counting_load)
    monkeypatch.setattr(play, "HumanAgent", lambda: HumanAgent(input_fn=_closed_input))
    seen = []
    monkeypatch.setattr(play, "_context", lambda game, opponent, base: seen.append((opponent, base)) or base)

    assert play.play_at_terminal("tic_tac_toe", [], "bot", None, str(config), ["seed=3"],
                                 prepare=pytest.fail, check_model=pytest.fail) == 0
    assert reads == [(str(config), ["seed=3"])]
    (opponent, base), = seen
    assert isinstance(opponent, MCTSPlayer) and opponent.display_name == "bot" and opponent.simulations == 5
    assert base.seed == 3
    assert capsys.readouterr().out.rstrip().endswith("You lost (forfeit).")


def test_play_without_a_config_reads_none(monkeypatch, capsys):
    monkeypatch.setattr(play, "load_tournament", pytest.fail)
    monkeypatch.setattr(play, "HumanAgent", lambda: HumanAgent(input_fn=_closed_input))
    assert play.play_at_terminal("tic_tac_toe", [], "random", None, None, [],
                                 prepare=pytest.fail, check_model=pytest.fail) == 0
    assert capsys.readouterr().out.rstrip().endswith("You lost (forfeit).")


def test_context_takes_backend_settings_from_the_config(tmp_path):
    config = tmp_path / "t.yaml"
    config.write_text(textwrap.dedent(CONFIG) + "budget_usd: 2.5\n")
    base = play.load_tournament(str(config), [])
    opponent = play.resolve_opponent("bot", base)
    context = play._context("hex", opponent, base)
    assert context.budget_usd == 2.5 and context.litellm_models == base.litellm_models
    assert [p.display_name for p in context.players] == ["you", "bot"]
    with pytest.raises(ConfigError, match="unknown player 'bot'"):  # without a config, "bot" is no player
        play.resolve_opponent("bot", None)


@pytest.mark.parametrize("vs, hint", [
    ("mtcs", "did you mean 'mcts'?"),
    ("randon", "did you mean 'random'?"),
    ("mcts:simulatons=5", "did you mean 'simulations'?"),
    ("mcts:uctc=1", "did you mean 'uct_c'?"),
    ("bto", "did you mean 'bot'?"),  # a player of the --config file
])
def test_a_mistyped_opponent_gets_the_closest_name(tmp_path, vs, hint):
    config = tmp_path / "t.yaml"
    config.write_text(textwrap.dedent(CONFIG))
    with pytest.raises(ConfigError, match=f"--vs.*; {hint}") as e:
        play.resolve_opponent(vs, play.load_tournament(str(config), []))
    assert "\n" not in str(e.value)


def test_nothing_close_suggests_nothing():
    with pytest.raises(ConfigError) as e:
        play.resolve_opponent("zzzz", None)
    assert "did you mean" not in str(e.value)


def test_a_model_name_close_to_a_config_player_is_suggested_that_player(tmp_path):
    config = tmp_path / "t.yaml"
    config.write_text(textwrap.dedent(CONFIG))

    def unknown(spec, context):
        raise ValueError(f"model '{spec.model}' has no known backend prefix")

    with pytest.raises(ConfigError, match="did you mean 'mcts_50'"):
        play.play_at_terminal("tic_tac_toe", [], "mcts_5", None, str(config), ["players.1.name=mcts_50"],
                              prepare=pytest.fail, check_model=unknown)


@pytest.mark.parametrize("returns, expected", [
    ([np.float64(2.0), np.float64(-2.0)], "You won. Score: you 2, opponent -2."),
    ([np.float64(-1.0), np.float64(1.0)], "You lost. Score: you -1, opponent 1."),
    ([0.0, 0.0], "Draw. Score: you 0, opponent 0."),
])
def test_result_line_in_poker_has_plain_numbers(returns, expected):
    log = EpisodeLog(status=EpisodeStatus.OK, returns=returns)
    assert play.result_line(load_game("kuhn_poker"), log, 0) == expected


@pytest.mark.parametrize("returns, forfeits, seat, expected", [
    ([1.0, -1.0], [], 0, "You won."), ([1.0, -1.0], [], 1, "You lost."), ([0.0, 0.0], [], 0, "Draw."),
    ([-1.0, 1.0], [0], 0, "You lost (forfeit)."), ([-1.0, 1.0], [0], 1, "You won (the opponent forfeited)."),
])
def test_result_line_of_a_win_loss_game_says_no_score(returns, forfeits, seat, expected):
    status = EpisodeStatus.FORFEIT if forfeits else EpisodeStatus.OK
    log = EpisodeLog(status=status, returns=[np.float64(r) for r in returns], forfeit_seats=forfeits)
    assert play.result_line(load_game("tic_tac_toe"), log, seat) == expected


@pytest.mark.parametrize("x, text", [(np.float64(49995.0), "49995"), (np.float64(0.125), "0.125"),
                                     (-2.0, "-2"), (np.float32(1.5), "1.5"), (1 / 3, "0.333")])
def test_plain_numbers(x, text):
    assert play.plain(x) == text


CASTLE_AND_PROMOTE = "4k3/P7/8/8/8/8/8/4K2R w K - 0 1"


@pytest.mark.parametrize("typed, uci", [("O-O", "e1g1"), ("0-0", "e1g1"), ("e1g1", "e1g1"), ("a8=Q", "a7a8q"),
                                        ("a8Q", "a7a8q"), ("a7a8q", "a7a8q"), ("a7a8n", "a7a8n"), ("Kd2", "e1d2")])
async def test_chess_entry_in_san_or_uci(typed, uci):
    game = load_game("chess")
    state = game.spiel.new_initial_state(CASTLE_AND_PROMOTE)
    out = io.StringIO()
    lines = iter([typed])
    decision = await HumanAgent(input_fn=lambda prompt: next(lines), out=out).act(
        Turn(game=game, state=state, player=1, rng=random.Random(0), move_number=0))
    assert decision.attempts[-1].label == uci and len(decision.attempts) == 1
    assert "Legal moves (SAN; UCI such as e2e4 works too): a8=B, a8=N, a8=Q+, a8=R+, Rf1" in out.getvalue()


@pytest.mark.parametrize("game, vs, says", [
    ("connect_four", "solver", "max_states"),
    ("tic_tac_toe", "uci:nodes=100", "chess only"),
    ("chess", "uci:nodes=100,engine=no-such-chess-engine", "apt-get install stockfish"),
    ("chess", "uci", "one search limit"),
])
def test_a_reference_player_that_cannot_play_the_game_is_one_line(game, vs, says):
    with pytest.raises(ConfigError, match=says) as e:
        play.play_at_terminal(game, [], vs, None, None, [], prepare=pytest.fail, check_model=pytest.fail)
    assert "\n" not in str(e.value) and str(e.value).startswith("--vs")


def test_the_solver_plays_at_the_terminal(monkeypatch, capsys):
    monkeypatch.setattr(play, "HumanAgent", lambda: HumanAgent(input_fn=_closed_input))
    assert play.play_at_terminal("tic_tac_toe", [], "solver", None, None, [],
                                 prepare=pytest.fail, check_model=pytest.fail) == 0
    assert capsys.readouterr().out.rstrip().endswith("You lost (forfeit).")
