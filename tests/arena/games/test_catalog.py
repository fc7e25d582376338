"""The catalog of games: every game `arena games` lists really plays; the others say why not."""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import sys
import textwrap

import pytest

from arena.agents.answer_parser import parse_answer
from arena.agents.llm import LLMAgent
from arena.chat import ChatRequest, ChatResult
from arena.config.models import LLMPlayer
from arena.episode import EpisodeLog, play_episode
from arena.games import catalog as catalog_module
from arena.games import load_game
from arena.games.base import move_vocabulary
from arena.games.catalog import catalog, playable, unplayable
from arena.games.registry import TAILORED, UnknownGame

# Long enough to pass every game's opening phases (deals, bidding, placement), short enough that
# the one episode of every listed game takes a few seconds in all.
MAX_MOVES = 30


class RandomModel:
    """A model that answers a uniformly random legal move, so the episode goes through everything a
    real model's does: rules, observation, legal labels, vocabulary, answer parsing."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    async def chat(self, request: ChatRequest) -> ChatResult:
        return ChatResult(text=json.dumps({"action": self.rng.choice(request.legal_moves)}))


def _play(name: str, seed: int = 0) -> EpisodeLog:
    game = load_game(name)
    spec = LLMPlayer(type="llm", model="simulated_random", on_illegal="forfeit")
    agents = [LLMAgent(spec, RandomModel(seed * 100 + p)) for p in range(game.num_players)]
    rngs = [random.Random(seed * 10 + p) for p in range(game.num_players)]
    return asyncio.run(play_episode(game, agents, random.Random(seed), rngs, MAX_MOVES, EpisodeLog()))


@pytest.fixture(scope="module")
def listed() -> list[str]:
    return [g.name for g in playable()]


def test_every_listed_game_plays_an_episode_with_model_players(listed):
    """All of them, not a sample: the whole loop takes a few seconds."""
    failures = {}
    for name in listed:
        try:
            log = _play(name)
        except Exception as e:  # noqa: BLE001 - collect every game that fails, not just the first
            failures[name] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
            continue
        game = load_game(name)
        if log.status not in ("ok", "truncated") or len(log.returns) != game.num_players or not log.moves:
            failures[name] = f"status {log.status} ({log.reason}), returns {log.returns}, {len(log.moves)} moves"
        elif not all(m.attempt.legal and m.attempt.label for m in log.moves):
            failures[name] = "an answer naming a legal label was not taken as that move"
    assert failures == {}


def test_tailored_games_first_then_the_generic_ones_sorted(listed):
    assert listed[: len(TAILORED)] == sorted(TAILORED)
    generic = listed[len(TAILORED):]
    assert generic == sorted(generic) and len(listed) == len(set(listed))
    assert {"checkers", "othello", "go", "leduc_poker", "goofspiel"} <= set(generic)
    # The OpenSpiel names behind tailored games are not listed a second time.
    assert not {"matrix_mp", "python_iterated_prisoners_dilemma"} & {g.name for g in catalog()}


@pytest.mark.parametrize(("name", "reason"), [
    ("mfg_crowd_modelling", "mean-field game"),
    ("add_noise", "needs parameter 'epsilon'"),
    ("turn_based_simultaneous_game", "needs parameter 'game'"),
    ("repeated_poker", "needs parameter 'max_num_hands'"),
    ("crossword", "LegalActions unimplemented"),
])
def test_games_that_cannot_be_played_as_named_say_why(name, reason):
    entry = next(g for g in catalog() if g.name == name)
    assert not entry.playable and reason in entry.why_not
    assert name not in {g.name for g in playable()}


def test_a_mean_field_game_is_refused_when_loaded():
    with pytest.raises(UnknownGame, match="mean-field game"):
        load_game("mfg_crowd_modelling")


def test_players_and_parameter_defaults():
    entries = {g.name: g for g in catalog()}
    hex_ = entries["hex"]
    assert hex_.tailored and hex_.players == 2 and (hex_.min_players, hex_.max_players) == (2, 2)
    assert ("board_size", 11) in hex_.params
    kuhn = entries["kuhn_poker"]
    assert (kuhn.players, kuhn.min_players, kuhn.max_players) == (2, 2, 10) and ("players", 2) in kuhn.params
    assert entries["chess"].players_text == "2" and kuhn.players_text == "2 (2-10)"
    assert "board_size=11" in hex_.params_text and entries["tic_tac_toe"].params_text == ""
    assert not entries["checkers"].tailored


def test_the_catalog_is_checked_once_per_process():
    assert catalog() is catalog()


@pytest.mark.parametrize("name", ["backgammon", "breakthrough", "einstein_wurfelt_nicht"])
def test_a_capture_label_ending_in_a_star_is_read_as_that_move(name):
    """These games mark a capture with a trailing '*', which the answer parser once stripped as bold."""
    assert name in {g.name for g in playable()}
    game, rng = load_game(name), random.Random(0)
    state = game.spiel.new_initial_state()
    while not state.is_terminal():
        if state.is_chance_node():
            actions, probs = zip(*state.chance_outcomes(), strict=True)
            state.apply_action(rng.choices(actions, probs)[0])
            continue
        player = state.current_player()
        for action, label in game.renderer.legal_moves(state, player):
            if label.endswith("*"):
                answer = parse_answer(json.dumps({"action": label}), move_vocabulary(game.renderer, state, player))
                assert game.renderer.parse(state, player, answer.label or "") == action
                return
        state.apply_action(rng.choice(state.legal_actions()))
    pytest.fail(f"no capture in a random game of {name}")


def test_crazyhouse_plays_with_model_players_now_that_only_its_legal_moves_are_named():
    """OpenSpiel still crashes naming a crazyhouse move that is not legal (the first test, in a child process);
    the renderer names only the legal ones, so a model's turn never asks it to (the second)."""
    crash = ("import pyspiel; s = pyspiel.load_game('crazyhouse').new_initial_state(); "
             "[s.action_to_string(s.current_player(), a) for a in range(s.get_game().num_distinct_actions())]")
    assert subprocess.run([sys.executable, "-c", crash], capture_output=True, timeout=120).returncode < 0
    play = textwrap.dedent("""\
        import random
        from arena.games import load_game
        from arena.games.base import move_vocabulary
        g, rng = load_game("crazyhouse"), random.Random(0)
        for _ in range(3):
            s = g.spiel.new_initial_state()
            while not s.is_terminal() and len(s.history()) < 120:
                move_vocabulary(g.renderer, s, s.current_player())
                s.apply_action(rng.choice(s.legal_actions()))
        """)
    done = subprocess.run([sys.executable, "-c", play], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-500:]
    assert unplayable(load_game("crazyhouse")) == ""


def test_the_answer_is_kept_on_disk_and_a_damaged_copy_is_checked_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    check = catalog.__wrapped__  # past the per-process cache
    fresh = check()
    [kept] = (tmp_path / "board-game-arena").glob("games-*.json")
    assert check() == fresh
    rows = json.loads(kept.read_text())
    rows[0]["why_not"] = "read from the file"
    kept.write_text(json.dumps(rows))
    assert check()[0].why_not == "read from the file"
    kept.write_text("{not json")
    assert check() == fresh and json.loads(kept.read_text())[0]["why_not"] == ""


def test_a_tournament_of_a_game_that_cannot_be_played_is_one_line_before_anything_runs(tmp_path):
    from arena.config.errors import ConfigError
    from arena.config.load import load_tournament

    path = tmp_path / "t.yaml"
    path.write_text("name: t\ngames: [{name: crossword}]\nplayers: [{type: random}, {type: random, name: r2}]\n"
                    "episodes_per_pairing: 2\n")
    with pytest.raises(ConfigError, match=r"games\.0\.name: crossword cannot be played: fails at its first decision: "
                                          r"LegalActions unimplemented") as e:
        load_tournament(str(path))
    assert "\n" not in str(e.value)


def test_a_known_issue_refuses_a_game_to_model_players_only(tmp_path, monkeypatch):
    from arena.config.errors import ConfigError
    from arena.config.load import load_tournament

    monkeypatch.setitem(catalog_module.KNOWN_ISSUES, "breakthrough", "OpenSpiel crashes naming its moves")
    path = tmp_path / "t.yaml"
    players = "[{type: random}, {type: random, name: r2}]"
    path.write_text(f"name: t\nformat: match\ngames: [{{name: breakthrough}}]\nplayers: {players}\nnum_episodes: 1\n")
    assert load_tournament(str(path)).games[0].name == "breakthrough"
    path.write_text(path.read_text().replace(players, "[{type: random}, {type: llm, model: simulated_x}]"))
    with pytest.raises(ConfigError, match="breakthrough cannot be played by model players: OpenSpiel crashes"):
        load_tournament(str(path))


def test_arena_play_of_a_game_that_cannot_be_played_is_one_line():
    done = subprocess.run([sys.executable, "-m", "arena.cli", "play", "crossword"], capture_output=True, text=True,
                          input="", timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "error: game: crossword cannot be played: fails at its first decision: LegalActions unimplemented for "
        "non-chance node. This game uses action structs only.; 'arena games' lists the games that can"]
