"""LLMAgent against real games and a scripted backend: every model call is accounted for."""

from __future__ import annotations

import asyncio
import json
import random
import sys
from pathlib import Path

import pyspiel
import pytest

from arena.agents.answer_parser import NO_ACTION
from arena.agents.base import FailureKind, PlayerFailure, Turn
from arena.agents.llm import LLMAgent
from arena.agents.prompts import illegal_move_error
from arena.chat import ErrorClass
from arena.config.models import LLMPlayer
from arena.games.base import Game
from arena.games.registry import load_game

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: no package to import from
from scripted_backend import ScriptedBackend, failure, reply  # noqa: E402

BOGUS = "zz-not-a-move"


def spec(**kw: object) -> LLMPlayer:
    return LLMPlayer(type="llm", model="simulated_test", **kw)  # type: ignore[arg-type]


def turn_for(game: Game, state: pyspiel.State, player: int | None = None, seed: int = 7) -> Turn:
    player = state.current_player() if player is None else player
    return Turn(game=game, state=state, player=player, rng=random.Random(seed), move_number=0)


def ttt() -> tuple[Game, pyspiel.State]:
    game = load_game("tic_tac_toe")
    return game, game.spiel.new_initial_state()


def kuhn() -> tuple[Game, pyspiel.State]:
    game = load_game("kuhn_poker")
    state = game.spiel.new_initial_state()
    state.apply_action(0)  # deal: player 0 gets the lowest card, player 1 the next
    state.apply_action(1)
    return game, state


def moves(game: Game, state: pyspiel.State, player: int) -> list[tuple[int, str]]:
    return game.renderer.legal_moves(state, player)


def answer(label: str) -> str:
    return json.dumps({"action": label, "reasoning": "because"})


async def test_correct_json_first_try() -> None:
    game, state = ttt()
    action, label = moves(game, state, 0)[4]
    decision = await LLMAgent(spec(), ScriptedBackend([answer(label)])).act(turn_for(game, state))
    assert decision.action == action and not decision.forfeit
    [a] = decision.attempts
    assert (a.action, a.label, a.legal, a.parser_path, a.reasoning, a.error, a.fallback) == (
        action, label, True, "json", "because", "", "")


async def test_garbage_then_correct_reprompts_with_the_error() -> None:
    game, state = kuhn()
    action, label = moves(game, state, 0)[-1]
    backend = ScriptedBackend(["I have no idea!", answer(label)])
    decision = await LLMAgent(spec(), backend).act(turn_for(game, state))
    first, second = decision.attempts
    assert decision.action == action
    assert (first.legal, first.action, first.error, first.parser_path) == (False, None, NO_ACTION, "unparsable")
    assert first.raw_response == "I have no idea!" and second.legal
    retry = backend.requests[1].messages
    assert [m["role"] for m in retry] == ["system", "user", "assistant", "user"]
    assert retry[2]["content"] == "I have no idea!"
    assert NO_ACTION in retry[3]["content"] and all(lbl in retry[3]["content"] for _, lbl in moves(game, state, 0))
    assert json.loads(second.prompt) == retry  # the row stores exactly what was sent


async def test_occupied_square_then_legal() -> None:
    game, state = ttt()
    taken_label = dict(moves(game, state, 0))[4]
    state.apply_action(4)
    state.apply_action(0)  # back to player 0, whose old label for square 4 is now illegal
    action, label = moves(game, state, 0)[0]
    backend = ScriptedBackend([answer(taken_label), answer(label)])
    decision = await LLMAgent(spec(), backend).act(turn_for(game, state))
    bad, good = decision.attempts
    assert (bad.legal, bad.action, bad.label) == (False, None, taken_label)  # the move it named, not credited
    assert taken_label in bad.error and "not a legal move" in bad.error
    assert bad.error in backend.requests[1].messages[-1]["content"]
    assert (decision.action, good.action, good.legal) == (action, action, True)


async def test_exhausted_attempts_forfeit() -> None:
    game, state = ttt()
    backend = ScriptedBackend([answer(BOGUS), "", "nothing useful"])
    decision = await LLMAgent(spec(), backend).act(turn_for(game, state))
    assert decision.forfeit and decision.action is None
    assert len(decision.attempts) == 3 and not any(a.legal for a in decision.attempts)
    assert all(a.error for a in decision.attempts) and not any(a.fallback for a in decision.attempts)
    assert [len(r.messages) for r in backend.requests] == [2, 4, 6]  # the conversation grows
    assert backend.requests[2].messages[4]["content"] == "(empty answer)"


async def test_exhausted_attempts_random_fallback_is_flagged() -> None:
    game, state = kuhn()
    legal = dict(moves(game, state, 0))
    agent = LLMAgent(spec(on_illegal="random"), ScriptedBackend([BOGUS] * 3))
    decision = await agent.act(turn_for(game, state))
    assert len(decision.attempts) == 4 and not any(a.legal for a in decision.attempts[:3])
    last = decision.attempts[-1]
    assert (last.fallback, last.legal, last.action, last.label) == ("random", True, decision.action, legal[decision.action])
    assert last.raw_response == "" and last.prompt == ""  # the model said nothing of the sort
    again = await LLMAgent(spec(on_illegal="random"), ScriptedBackend([BOGUS] * 3)).act(turn_for(game, state))
    assert again.action == decision.action  # same seat rng, same fallback


@pytest.mark.parametrize(("policy", "rows"), [("forfeit", 1), ("random", 2)])
async def test_single_attempt_allowed(policy: str, rows: int) -> None:
    game, state = ttt()
    agent = LLMAgent(spec(max_illegal_attempts=1, on_illegal=policy), ScriptedBackend([BOGUS]))
    decision = await agent.act(turn_for(game, state))
    assert len(decision.attempts) == rows and decision.forfeit == (policy == "forfeit")


async def test_fatal_error_means_model_unavailable() -> None:
    game, state = ttt()
    backend = ScriptedBackend([failure(ErrorClass.FATAL, "invalid API key")])
    with pytest.raises(PlayerFailure, match="fatal: invalid API key") as info:
        await LLMAgent(spec(), backend).act(turn_for(game, state))
    assert info.value.kind is FailureKind.UNAVAILABLE and info.value.message == "invalid API key"
    assert [a.error_class for a in info.value.attempts] == ["fatal"]


@pytest.mark.parametrize("error_class", [ErrorClass.TRANSIENT, ErrorClass.RATE_LIMITED])
async def test_backend_giving_up_ends_the_episode(error_class: ErrorClass) -> None:
    game, state = kuhn()
    backend = ScriptedBackend([BOGUS, failure(error_class, "503 after 5 retries")])
    with pytest.raises(PlayerFailure, match=f"{error_class.value}: 503 after 5 retries") as info:
        await LLMAgent(spec(), backend).act(turn_for(game, state))
    assert info.value.kind is FailureKind.GAVE_UP and info.value.error_class is error_class
    assert [a.error_class for a in info.value.attempts] == ["", error_class.value]


async def test_spent_budget_skips_and_records_only_the_calls_made() -> None:
    game, state = ttt()
    backend = ScriptedBackend([BOGUS, failure(ErrorClass.BUDGET, "")])
    with pytest.raises(PlayerFailure, match="budget: budget spent") as info:
        await LLMAgent(spec(), backend).act(turn_for(game, state))
    assert info.value.kind is FailureKind.SKIPPED and info.value.message == "budget spent"
    assert [a.raw_response for a in info.value.attempts] == [BOGUS]  # the refused call made no row


def test_only_failures_that_end_an_episode_make_a_player_failure() -> None:
    with pytest.raises(ValueError, match="request"):
        PlayerFailure(ErrorClass.REQUEST, "context window exceeded")


async def test_request_error_counts_as_an_attempt_and_is_retried_as_is() -> None:
    game, state = ttt()
    action, label = moves(game, state, 0)[2]
    backend = ScriptedBackend([failure(ErrorClass.REQUEST, "context window exceeded"), answer(label)])
    decision = await LLMAgent(spec(), backend).act(turn_for(game, state))
    failed, ok = decision.attempts
    assert (failed.legal, failed.error_class, failed.error, failed.latency_s) == (
        False, "request", "context window exceeded", 0.5)
    assert backend.requests[1].messages == backend.requests[0].messages
    assert decision.action == action and ok.legal


async def test_request_errors_exhaust_into_the_policy() -> None:
    game, state = ttt()
    backend = ScriptedBackend([failure(ErrorClass.REQUEST)] * 2)
    decision = await LLMAgent(spec(max_illegal_attempts=2), backend).act(turn_for(game, state))
    assert decision.forfeit and [a.error_class for a in decision.attempts] == ["request", "request"]


async def test_constrain_moves_and_sampling_reach_the_request() -> None:
    game, state = kuhn()
    labels = [lbl for _, lbl in moves(game, state, 0)]
    player = spec(constrain_moves=True, temperature=0.7, max_tokens=64, top_p=0.9)
    backend = ScriptedBackend([labels[0]])
    decision = await LLMAgent(player, backend).act(turn_for(game, state, seed=3))
    [request] = backend.requests
    assert request.legal_moves == labels and request.constrain
    s = request.sampling
    assert (s.temperature, s.max_tokens, s.top_p) == (0.7, 64, 0.9) and isinstance(s.seed, int)
    assert decision.attempts[0].parser_path == "label_exact"
    other = ScriptedBackend([labels[0]])
    await LLMAgent(player, other).act(turn_for(game, state, seed=3))
    assert other.requests[0].sampling.seed == s.seed  # reproducible from the seat rng
    plain = ScriptedBackend([labels[0]])
    await LLMAgent(spec(), plain).act(turn_for(game, state))
    assert plain.requests[0].legal_moves == labels and not plain.requests[0].constrain


async def test_tokens_cost_latency_are_copied() -> None:
    game, state = ttt()
    _, label = moves(game, state, 0)[0]
    result = reply(answer(label), prompt_tokens=321, completion_tokens=9, latency_s=1.5, cost_usd=0.002)
    [a] = (await LLMAgent(spec(), ScriptedBackend([result])).act(turn_for(game, state))).attempts
    assert (a.prompt_tokens, a.completion_tokens, a.latency_s, a.cost_usd) == (321, 9, 1.5, 0.002)


async def test_prompt_contains_rules_observation_and_legal_labels() -> None:
    game, state = kuhn()
    legal = moves(game, state, 0)
    decision = await LLMAgent(spec(), ScriptedBackend([answer(legal[0][1])])).act(turn_for(game, state))
    system, user = json.loads(decision.attempts[0].prompt)
    assert game.renderer.rules(game.spiel) in system["content"] and '"action"' in system["content"]
    assert game.renderer.observation(state, 0) in user["content"]
    assert all(label in user["content"] for _, label in legal)


async def test_reasoning_model_answer() -> None:
    game, state = kuhn()
    action, label = moves(game, state, 0)[0]
    text = f"<think>The card is low, so...</think>\nAfter thinking it over I choose {label}"
    backend = ScriptedBackend([text])
    [a] = (await LLMAgent(spec(), backend).act(turn_for(game, state))).attempts
    assert (a.action, a.parser_path, a.reasoning, a.raw_response) == (action, "label_last", "The card is low, so...", text)


class KeypadRenderer:
    """Real renderer for tic-tac-toe with labels "1".."9": numbers that are not the action ids."""

    def rules(self, game: pyspiel.Game) -> str:
        return "Tic-tac-toe; squares are numbered 1 to 9 row by row."

    def observation(self, state: pyspiel.State, player: int) -> str:
        return str(state)

    def legal_moves(self, state: pyspiel.State, player: int) -> list[tuple[int, str]]:
        return [(a, str(a + 1)) for a in state.legal_actions(player)]

    def parse(self, state: pyspiel.State, player: int, text: str) -> int | None:
        return dict((lbl, a) for a, lbl in self.legal_moves(state, player)).get(text.strip())

    def vocabulary(self, state: pyspiel.State, player: int):  # noqa: ANN201
        from arena.games.base import MoveVocabulary  # imported here: older trees lack it

        return MoveVocabulary(names=tuple(str(a + 1) for a in range(9)))


def keypad(*played: int) -> tuple[Game, pyspiel.State]:
    base = load_game("tic_tac_toe")
    game = Game(name="keypad", key="keypad", spiel=base.spiel, renderer=KeypadRenderer(), tailored=True)
    state = game.spiel.new_initial_state()
    for action in played:
        state.apply_action(action)
    return game, state


@pytest.mark.parametrize(("text", "action", "path"), [
    ('{"action": 3}', 2, "json"),  # 3 is a label: the square labelled 3, not action id 3
    ('{"action": 0}', 0, "json_action_id"),  # no label "0", but a legal id
    ('{"action": 9}', 8, "json"),
])
async def test_integer_actions_are_labels_first(text: str, action: int, path: str) -> None:
    base = load_game("tic_tac_toe")
    game = Game(name="keypad", key="keypad", spiel=base.spiel, renderer=KeypadRenderer(), tailored=True)
    [a] = (await LLMAgent(spec(), ScriptedBackend([text])).act(turn_for(game, game.spiel.new_initial_state()))).attempts
    assert (a.action, a.label, a.parser_path) == (action, str(action + 1), path)


async def test_simultaneous_game_players_act_concurrently() -> None:
    game = load_game("matrix_rps")
    state = game.spiel.new_initial_state()
    assert game.simultaneous
    picks = [moves(game, state, p)[p] for p in (0, 1)]
    backends = [ScriptedBackend([answer(picks[0][1])]), ScriptedBackend(["garbage", answer(picks[1][1])])]
    agents = [LLMAgent(spec(), b) for b in backends]
    decisions = await asyncio.gather(*(agents[p].act(turn_for(game, state, player=p)) for p in (0, 1)))
    assert [d.action for d in decisions] == [picks[0][0], picks[1][0]]
    assert [len(d.attempts) for d in decisions] == [1, 2]
    for p in (0, 1):
        assert game.renderer.observation(state, p) in backends[p].requests[0].messages[1]["content"]
    state.apply_actions([d.action for d in decisions])


def test_unknown_prompt_version_fails_at_construction() -> None:
    with pytest.raises(ValueError, match="prompt_version"):
        LLMAgent(spec(prompt_version="v999"), ScriptedBackend([]))


# --- Free text: the move named last is judged, legal or not; nothing else is ever credited. ---


async def one_attempt(game: Game, state: pyspiel.State, text: str, **kw: object):
    """The single Attempt an answer gets when no re-prompt is allowed."""
    decision = await LLMAgent(spec(max_illegal_attempts=1, **kw), ScriptedBackend([text])).act(turn_for(game, state))
    return decision, decision.attempts[0]


async def test_keypad_last_named_square_is_occupied_so_the_attempt_is_illegal() -> None:
    game, state = keypad(4)  # X took square 5
    decision, a = await one_attempt(game, state, "I considered 3 but I'll play 5")
    assert decision.forfeit and decision.action is None
    assert (a.legal, a.action, a.label, a.parser_path) == (False, None, "5", "label_last")
    assert a.error == illegal_move_error("5")


async def test_free_text_occupied_cell_is_illegal_and_reprompted_never_an_earlier_cell() -> None:
    game, state = ttt()
    state.apply_action(4)  # X on b2; O to move
    backend = ScriptedBackend(["I considered a1, but I'll play b2.", answer("c3")])
    decision = await LLMAgent(spec(), backend).act(turn_for(game, state))
    bad, good = decision.attempts
    assert (bad.legal, bad.action, bad.label, bad.parser_path) == (False, None, "b2", "label_last")
    assert bad.error == illegal_move_error("b2") and not bad.fallback
    assert bad.error in backend.requests[1].messages[-1]["content"]  # the re-prompt names it
    assert (decision.action, good.label, good.legal) == (8, "c3", True)


async def test_whole_answer_naming_an_occupied_cell_is_an_illegal_move_not_unparsable() -> None:
    game, state = ttt()
    state.apply_action(4)
    _, a = await one_attempt(game, state, "b2")
    assert (a.legal, a.label, a.parser_path, a.error) == (False, "b2", "label_exact", illegal_move_error("b2"))


async def test_connect_four_full_column_named_last_is_illegal() -> None:
    game = load_game("connect_four")
    state = game.spiel.new_initial_state()
    for _ in range(6):
        state.apply_action(3)  # column 4 is full
    _, a = await one_attempt(game, state, "Column 3 is tempting, but I'll drop my disc in column 4.")
    assert (a.legal, a.label, a.error) == (False, "4", illegal_move_error("4"))


async def test_kuhn_check_while_facing_a_bet_is_illegal_not_a_bet() -> None:
    game, state = kuhn()
    state.apply_action(1)  # player 0 bets; player 1 faces it
    _, a = await one_attempt(game, state, "I could bet, but I'll check.")
    assert (a.legal, a.label, a.error) == (False, "check", illegal_move_error("check"))


async def test_kuhn_fold_named_last_is_credited_as_pass() -> None:
    game, state = kuhn()
    state.apply_action(1)
    decision, a = await one_attempt(game, state, "Bet? No, I fold.")
    assert (decision.action, a.legal, a.label, a.parser_path) == (0, True, "pass", "label_last")


async def test_chess_illegal_move_named_last_is_not_replaced_by_an_earlier_legal_one() -> None:
    game = load_game("chess")
    state = game.spiel.new_initial_state()
    _, a = await one_attempt(game, state, "e2e4 is solid, but I'll play e2e5.")
    assert (a.legal, a.action, a.label, a.error) == (False, None, "e2e5", illegal_move_error("e2e5"))
    _, a = await one_attempt(game, state, "g1f3 develops, but the bold Qh5 is my move")
    assert (a.legal, a.label) == (False, "Qh5")


async def test_chess_san_in_free_text_is_credited() -> None:
    game = load_game("chess")
    state = game.spiel.new_initial_state()
    decision, a = await one_attempt(game, state, "After some thought: e2e4 is fine, but I play Nf3!")
    assert (a.legal, a.label, a.parser_path) == (True, "g1f3", "label_last")
    assert decision.action == dict((lbl, act) for act, lbl in game.renderer.legal_moves(state, 1))["g1f3"]


async def test_chess_square_after_a_move_is_unclear_and_never_credited() -> None:
    game = load_game("chess")
    state = game.spiel.new_initial_state()
    # d4 is a legal pawn move, but here it is a square the knight aims at.
    _, a = await one_attempt(game, state, "I develop with Nf3, which controls d4")
    assert (a.legal, a.action, a.parser_path) == (False, None, "unparsable") and a.error


async def test_integer_naming_an_occupied_square_is_not_taken_as_an_action_id() -> None:
    game, state = keypad(2)  # square "3" (action 2) is taken; action id 3 is legal
    _, a = await one_attempt(game, state, '{"action": 3}')
    assert (a.legal, a.action, a.label, a.error) == (False, None, "3", illegal_move_error("3"))


async def test_connect_four_integer_of_a_full_column_is_not_an_action_id() -> None:
    game = load_game("connect_four")
    state = game.spiel.new_initial_state()
    for _ in range(6):
        state.apply_action(2)  # column 3 is full; action id 3 (column 4) is legal
    _, a = await one_attempt(game, state, '{"action": 3}')
    assert (a.legal, a.label, a.error) == (False, "3", illegal_move_error("3"))


async def test_negated_last_move_is_unclear_and_reprompted() -> None:
    game, state = ttt()
    backend = ScriptedBackend(["I will play a1, not b2.", answer("a1")])
    decision = await LLMAgent(spec(), backend).act(turn_for(game, state))
    unclear, good = decision.attempts
    assert (unclear.legal, unclear.action, unclear.parser_path) == (False, None, "unparsable")
    assert unclear.error in backend.requests[1].messages[-1]["content"]
    assert (decision.action, good.legal) == (0, True)


async def test_illegal_free_text_exhausting_attempts_falls_back_flagged() -> None:
    game, state = ttt()
    state.apply_action(4)
    backend = ScriptedBackend(["a1 or... no: b2"] * 2)
    decision = await LLMAgent(spec(max_illegal_attempts=2, on_illegal="random"), backend).act(turn_for(game, state))
    first, second, fallback = decision.attempts
    assert [(x.legal, x.label) for x in (first, second)] == [(False, "b2"), (False, "b2")]
    assert (fallback.fallback, fallback.legal, fallback.raw_response) == ("random", True, "")


async def test_generic_renderer_illegal_action_named_last_is_illegal() -> None:
    game = load_game("breakthrough")  # no tailored renderer: OpenSpiel's labels for every action
    state = game.spiel.new_initial_state()
    player = state.current_player()
    legal = dict(moves(game, state, player))
    assert "a7a6" in legal.values() and "b5b4" not in legal.values()  # b5b4 exists, but no piece stands on b5
    _, a = await one_attempt(game, state, "a7a6 is safe, but I'll push b5b4.")
    assert (a.legal, a.action, a.label, a.error) == (False, None, "b5b4", illegal_move_error("b5b4"))
    decision, a = await one_attempt(game, state, "b5b4 is impossible, so I'll push a7a6.")
    assert (a.legal, a.label) == (True, "a7a6")
