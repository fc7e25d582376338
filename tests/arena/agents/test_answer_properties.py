"""Property tests: a model is credited only with the move it chose.

Generated answers name moves (legal or not) in running text, optionally with a JSON
object. Whatever the answer, the credited move is the JSON "action" or the move the
answer names last; never a move it only mentioned earlier. Parser-level properties use
plain name lists; agent-level ones play real games through the LLM agent, naming moves
from lists written here (not from the renderers), so a renderer that forgets a move
shows up as a failure.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
from pathlib import Path

import pyspiel
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arena.agents.answer_parser import parse_answer
from arena.agents.base import Turn
from arena.agents.llm import LLMAgent
from arena.config.models import LLMPlayer
from arena.games.base import Game
from arena.games.registry import load_game

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: no package to import from
from scripted_backend import ScriptedBackend  # noqa: E402

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Names that overlap in the ways real labels do: prefixes (a1/a10), a label inside a
# longer one (Bet / Bet all), punctuation inside (x(1,1)), non-ASCII.
NAMES = ["a1", "a10", "b2", "c3", "Bet", "Bet all", "Pass", "x(1,1)", "über", "e2e4"]
# Words that name no move and neither rule out, compare nor list one.
FILLER = ["I", "think", "the", "position", "is", "good", "so", "maybe", "we", "consider",
          "looks", "strong", "hmm", "well", "after", "some", "thought", "here", "move", "my"]

words = st.lists(st.sampled_from(FILLER), min_size=1, max_size=4).map(" ".join)
name = st.sampled_from(NAMES)
cased = st.tuples(name, st.sampled_from([str, str.upper, str.lower])).map(lambda t: t[1](t[0]))


def sentence(parts: list[tuple[str, str]]) -> str:
    """Filler then a mention, for each part; the mentions are separated by words."""
    return " ".join(f"{w} {m}{p}" for (w, m), p in zip(parts, [".", ",", ";", ""] * len(parts), strict=False))


@SETTINGS
@given(st.lists(st.tuples(words, cased), max_size=5), cased)
def test_free_text_credits_the_move_named_last(earlier: list[tuple[str, str]], last: str) -> None:
    text = f"{sentence(earlier)} So I will play {last}."
    p = parse_answer(text, NAMES)
    assert p.path == "label_last"
    assert p.label is not None and p.label.casefold() == last.casefold()


CONNECTORS = [", ", " or ", " and ", " not ", " than ", "? ", ". ", "; ", " instead of ", " but ",
              " rather than ", " / ", ' "', '" ', " (", ") ", " - ", " never "]


@SETTINGS
@given(st.lists(st.tuples(st.lists(st.sampled_from(FILLER + CONNECTORS), max_size=4).map("".join), cased),
                min_size=1, max_size=6),
       st.sampled_from(["", ".", "!", "?", " ", ")", '"']))
def test_adversarial_free_text_credits_the_last_move_or_nothing(parts: list[tuple[str, str]], end: str) -> None:
    # Every mention is cut off from its neighbours by a space, so each stays a whole word.
    text = " ".join(f"{glue} {m} " for glue, m in parts) + end
    p = parse_answer(text, NAMES)
    last = parts[-1][1]
    assert p.label is None or p.label.casefold() == last.casefold(), (text, p)


@SETTINGS
@given(st.lists(st.tuples(words, cased), max_size=4), name, st.lists(st.tuples(words, cased), max_size=3),
       st.booleans())
def test_json_action_decides_whatever_the_text_around_it_names(
    before: list[tuple[str, str]], action: str, reasoning: list[tuple[str, str]], whole: bool
) -> None:
    obj = json.dumps({"reasoning": sentence(reasoning), "action": action}, ensure_ascii=False)
    text = obj if whole else f"{sentence(before)}\nMy answer: {obj}"
    p = parse_answer(text, NAMES)
    assert (p.label, p.path) == (action, "json" if whole else "json_embedded")


@SETTINGS
@given(name, st.lists(st.tuples(words, cased), max_size=3))
def test_text_after_the_json_is_not_read(action: str, after: list[tuple[str, str]]) -> None:
    p = parse_answer(f'{{"action": "{action}"}} {sentence(after)}', NAMES)
    assert (p.label, p.path) == (action, "json_embedded" if after else "json")


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["", '{"note": 1} ', "x "]), name), min_size=1, max_size=4))
def test_several_json_objects_the_last_decides(objects: list[tuple[str, str]]) -> None:
    text = " then ".join(f'{pre}{{"action": "{a}"}}' for pre, a in objects)
    assert parse_answer(text, NAMES).label == objects[-1][1]


# --- The LLM agent on real games: the credited action is the one the last-named move means. ---

PLAYER = LLMPlayer(type="llm", model="simulated_test", max_illegal_attempts=1)  # type: ignore[arg-type]

# Every move each game has, legal or not, spelled as a model might.
ALL_MOVES = {
    "tic_tac_toe": [f"{c}{r}" for c in "abc" for r in "123"],
    "connect_four": [str(c) for c in range(1, 8)],
    "kuhn_poker": ["pass", "bet", "check", "call", "fold", "Bet", "PASS"],
    "hex": [f"{c}{r}" for c in "abcd" for r in "1234"] + ["swap"],
    "matrix_rps": ["rock", "paper", "scissors", "Rock"],
    "prisoners_dilemma": ["cooperate", "defect", "COOPERATE"],
}
PARAMS = {"hex": {"board_size": 4, "swap": True}}


def random_decision(name: str, seed: int, plies: int) -> tuple[Game, pyspiel.State, int] | None:
    game = load_game(name, PARAMS.get(name, {}))
    state = game.spiel.new_initial_state()
    rng = random.Random(seed)
    for _ in range(plies + 2):
        while state.is_chance_node():
            actions, probs = zip(*state.chance_outcomes(), strict=True)
            state.apply_action(rng.choices(actions, probs)[0])
        if state.is_terminal():
            return None
        if state.is_simultaneous_node():
            return game, state, rng.randrange(game.num_players)
        if plies == 0:
            return game, state, state.current_player()
        state.apply_action(rng.choice(state.legal_actions()))
        plies -= 1
    return None


def judge(game: Game, state: pyspiel.State, player: int, text: str):
    turn = Turn(game=game, state=state, player=player, rng=random.Random(0), move_number=0)
    decision = asyncio.run(LLMAgent(PLAYER, ScriptedBackend([text])).act(turn))
    return decision.attempts[0]


@SETTINGS
@given(st.sampled_from(sorted(ALL_MOVES)), st.integers(0, 2**16), st.integers(0, 8), st.data())
def test_agent_credits_the_last_named_move_or_rejects_it(name: str, seed: int, plies: int, data: st.DataObject) -> None:
    found = random_decision(name, seed, plies)
    if found is None:
        return
    game, state, player = found
    moves = ALL_MOVES[name]
    earlier = data.draw(st.lists(st.tuples(words, st.sampled_from(moves)), max_size=4))
    last = data.draw(st.sampled_from(moves))
    text = f"{sentence(earlier)} So I will play {last}."
    a = judge(game, state, player, text)
    meant = game.renderer.parse(state, player, last)
    legal = dict(game.renderer.legal_moves(state, player))
    if meant in legal:
        assert (a.legal, a.action, a.label) == (True, meant, legal[meant]), text
    else:  # the move it named is illegal here: an illegal attempt naming it, nothing credited
        assert (a.legal, a.action) == (False, None), text
        assert a.label.casefold() == last.casefold() and last.casefold() in a.error.casefold(), (text, a)


FILES, RANKS = "abcdefgh", "12345678"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**16), st.integers(0, 30), st.data())
def test_chess_agent_credits_the_last_named_move_or_rejects_it(seed: int, plies: int, data: st.DataObject) -> None:
    game = load_game("chess")
    state = game.spiel.new_initial_state()
    rng = random.Random(seed)
    for _ in range(plies):
        if state.is_terminal():
            return
        state.apply_action(rng.choice(state.legal_actions()))
    if state.is_terminal():
        return
    player = state.current_player()
    legal = game.renderer.legal_moves(state, player)
    square = st.tuples(st.sampled_from(FILES), st.sampled_from(RANKS)).map("".join)
    from_to = st.tuples(square, square).map("".join)  # any from-to pair: most are illegal
    sans = sorted({state.action_to_string(player, a) for a, _ in legal})
    pieces = st.tuples(st.sampled_from("KQRBN"), square).map("".join)  # e.g. Qh5, legal or not
    move = st.one_of(st.sampled_from([lbl for _, lbl in legal]), from_to, st.sampled_from(sans), pieces)
    earlier = data.draw(st.lists(st.tuples(words, move), max_size=4))
    last = data.draw(move)
    text = f"{sentence(earlier)} So I will play {last}."
    a = judge(game, state, player, text)
    meant = game.renderer.parse(state, player, last)
    ids = dict(legal)
    if a.legal:  # credited: only ever the move named last
        assert a.action == meant, text
    bare_square = len(last) == 2
    if not bare_square or not earlier:  # unless a square ends a text naming other moves, it is decided
        if meant in ids:
            assert (a.legal, a.action) == (True, meant), text
        else:
            assert (a.legal, a.label) == (False, last), (text, a)


@SETTINGS
@given(st.integers(0, 9), st.lists(st.integers(0, 8), max_size=3, unique=True))
def test_integer_action_is_its_label_when_the_game_has_that_label(n: int, taken: list[int]) -> None:
    """Connect Four labels columns 1..7 while OpenSpiel numbers them 0..6."""
    game = load_game("connect_four")
    state = game.spiel.new_initial_state()
    for column in taken:
        if column < 7:
            for _ in range(6):
                state.apply_action(column)  # fill it: X and O alternate, nobody wins in a column
    a = judge(game, state, state.current_player(), json.dumps({"action": n}))
    legal = dict(game.renderer.legal_moves(state, state.current_player()))
    if 1 <= n <= 7:  # a column label: that column or nothing
        assert a.action == (n - 1 if (n - 1) in legal else None)
    else:  # 0, 8, 9 name no column: only an integer that is a legal action id is taken as one
        assert a.action == (n if n in legal else None)
        if a.action is not None:
            assert a.parser_path == "json_action_id"
