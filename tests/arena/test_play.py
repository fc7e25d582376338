"""`arena play` in-process: its config is read once and serves both the opponent and the backend settings."""

from __future__ import annotations

import textwrap

import pytest

from arena import play
from arena.agents.human import HumanAgent
from arena.config.errors import ConfigError
from arena.config.models import MCTSPlayer

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
    assert "Game over (forfeit)" in capsys.readouterr().out


def test_play_without_a_config_reads_none(monkeypatch, capsys):
    monkeypatch.setattr(play, "load_tournament", pytest.fail)
    monkeypatch.setattr(play, "HumanAgent", lambda: HumanAgent(input_fn=_closed_input))
    assert play.play_at_terminal("tic_tac_toe", [], "random", None, None, [],
                                 prepare=pytest.fail, check_model=pytest.fail) == 0
    assert "Game over (forfeit)" in capsys.readouterr().out


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
