"""The answer parser on well-formed, sloppy and adversarial model answers."""

from __future__ import annotations

import time

import pytest

from arena.agents.answer_parser import AMBIGUOUS, EMPTY, NO_ACTION, UNCLEAR, parse_answer, strip_thinking

POKER = ["Pass", "Bet"]
GRID = ["a1", "a10", "b2"]


def test_whole_json_object() -> None:
    p = parse_answer('{"action": "Bet", "reasoning": "strong card"}', POKER)
    assert (p.label, p.path, p.reasoning, p.error) == ("Bet", "json", "strong card", "")


@pytest.mark.parametrize("text", ['```json\n{"action": "Pass"}\n```', '```\n{"action": "Pass"}\n```', "```JSON {\"action\": \"Pass\"}```"])
def test_fenced_json(text: str) -> None:
    p = parse_answer(text, POKER)
    assert (p.label, p.path) == ("Pass", "json_fenced")


def test_json_embedded_in_prose() -> None:
    p = parse_answer('My card is weak.\nAnswer: {"action": "Pass"} -- done', POKER)
    assert (p.label, p.path) == ("Pass", "json_embedded")


def test_nested_braces_and_braces_inside_strings() -> None:
    text = 'ok {"meta": {"depth": {"x": [1, {"y": 2}]}}, "reasoning": "a {curly} }} thing", "action": "b2"} end'
    p = parse_answer(text, GRID)
    assert (p.label, p.path, p.reasoning) == ("b2", "json_embedded", "a {curly} }} thing")


def test_action_only_in_nested_object_is_found() -> None:
    p = parse_answer('{"move": {"action": "a1"}}', GRID)
    assert (p.label, p.path) == ("a1", "json_embedded")


def test_last_object_with_action_wins() -> None:
    p = parse_answer('{"note": "b2"} first {"action": "a1"} then {"action": "a10"}', GRID)
    assert (p.label, p.path) == ("a10", "json_embedded")


def test_format_example_before_the_answer_object_is_not_the_answer() -> None:
    text = 'The format is {"action": "<label>"}. Mine: {"action": "b2", "reasoning": "centre"}'
    assert parse_answer(text, GRID).label == "b2"


def test_action_inside_an_object_that_has_one_belongs_to_it() -> None:
    p = parse_answer('{"action": "a1", "alternatives": {"action": "b2"}} done', GRID)
    assert (p.label, p.path) == ("a1", "json_embedded")


@pytest.mark.parametrize("tail", ["", "a1 it is.", "(b2 would lose)", "Definitely not b2.", "Hmm... a10"])
def test_prose_around_the_json_is_not_read(tail: str) -> None:
    # The JSON "action" is the answer the prompt asks for; explanations after it often
    # name other moves, and reading them would second-guess a clear answer.
    p = parse_answer(f'b2 or a10? {{"action": "a1"}} {tail}', GRID)
    assert (p.label, p.path) == ("a1", "json_embedded")


@pytest.mark.parametrize("value", ["null", '""', '"  "', "[]", '["a1"]', "true", "{}"])
def test_unusable_action_value_is_an_error_and_reasoning_is_not_scanned(value: str) -> None:
    p = parse_answer(f'{{"action": {value}, "reasoning": "a1 looks best"}}', GRID)
    assert p.label is None and p.path == "unparsable"
    assert '"action" field' in p.error and value.strip('"').strip() in p.error


def test_integer_action_is_label_text_with_an_id_hint() -> None:
    p = parse_answer('{"action": 4}', POKER)
    assert (p.label, p.action_id, p.path) == ("4", 4, "json")
    assert parse_answer('{"action": "4"}', POKER).action_id is None  # a string is only ever a label


def test_think_blocks_are_removed_before_parsing() -> None:
    p = parse_answer('<think>Maybe {"action": "Pass"}? No.</think>\n{"action": "Bet"}', POKER)
    assert (p.label, p.path) == ("Bet", "json")
    assert p.reasoning == 'Maybe {"action": "Pass"}? No.'


def test_unclosed_think_concludes_nothing() -> None:
    p = parse_answer("<think>I will probably Bet because", POKER)
    assert (p.label, p.error) == (None, EMPTY)


def test_stray_closing_think_tag() -> None:
    p = parse_answer("I could Pass here...</think>\nBet", POKER)
    assert (p.label, p.path, p.reasoning) == ("Bet", "label_exact", "I could Pass here...")
    assert strip_thinking("no thinking") == ("no thinking", "")


@pytest.mark.parametrize("text", ["", "   \n ", "<think>only thoughts</think>"])
def test_empty_answers(text: str) -> None:
    p = parse_answer(text, POKER)
    assert (p.label, p.path, p.error) == (None, "unparsable", EMPTY)


@pytest.mark.parametrize("text", ["bet", ' "BET". ', "`Bet`", "**Bet**", "“Bet”"])
def test_label_exact_is_case_and_quote_insensitive(text: str) -> None:
    p = parse_answer(text, POKER)
    assert (p.label, p.path) == ("Bet", "label_exact")


def test_label_last_takes_the_conclusion() -> None:
    p = parse_answer("I considered Pass, but with a King I will Bet.", POKER)
    assert (p.label, p.path) == ("Bet", "label_last")


@pytest.mark.parametrize(
    ("text", "label"),
    [("I play a10", "a10"), ("a1 or rather a10", "a10"), ("a10, no: a1!", "a1"), ("b2 not a100 or xa1", "b2")],
)
def test_label_that_is_a_substring_of_another(text: str, label: str) -> None:
    assert parse_answer(text, GRID).label == label


def test_label_inside_a_longer_label_is_not_a_mention() -> None:
    labels = ["Bet", "Bet all"]
    assert parse_answer("I go Bet all", labels).label == "Bet all"
    assert parse_answer("Bet all, or just Bet", labels).label == "Bet"


def test_overlapping_labels_at_the_end_are_ambiguous() -> None:
    p = parse_answer("so: a b c", ["a b", "b c"])
    assert (p.label, p.error) == (None, AMBIGUOUS)


def test_labels_ending_in_punctuation() -> None:
    labels = ["x(0,0)", "x(1,1)", "(1,1)"]
    p = parse_answer("Center is best: x(1,1).", labels)
    assert (p.label, p.path) == ("x(1,1)", "label_last")


def test_nothing_recognisable() -> None:
    p = parse_answer("I am not sure what to do.", POKER)
    assert (p.label, p.path, p.error) == (None, "unparsable", NO_ACTION)


def test_unicode_quotes_are_straightened_only_when_needed() -> None:
    p = parse_answer("{“action”: “Bet”, “reasoning”: “I’m strong”}", POKER)
    assert (p.label, p.path, p.reasoning) == ("Bet", "json", "I'm strong")
    p = parse_answer('{"action": "Pass", "reasoning": "he said “hi”"}', POKER)
    assert (p.label, p.reasoning) == ("Pass", "he said “hi”")


def test_unicode_labels() -> None:
    assert parse_answer("ÜBER", ["über", "unter"]).label == "über"
    assert parse_answer("ich wähle über.", ["über", "unter"]).label == "über"


def test_pathological_input_is_fast() -> None:
    # Takes milliseconds; catastrophic backtracking would take hours. The bound leaves a busy CI machine room.
    start = time.perf_counter()
    p = parse_answer("{" * 5000 + "[" * 5000 + "a1", GRID)
    assert time.perf_counter() - start < 30
    assert (p.label, p.path) == ("a1", "label_last")  # '[' is no word character


# --- Free text: only what the answer clearly chose, judged among every move that exists. ---

CELLS = [f"{c}{r}" for c in "abc" for r in "123"]


def test_last_named_move_is_found_among_all_moves_not_just_legal_ones() -> None:
    # The caller passes every move of the game; legality is the agent's business.
    p = parse_answer("I considered a1, but I'll play b2.", CELLS)
    assert (p.label, p.path) == ("b2", "label_last")
    p = parse_answer("b2", CELLS)
    assert (p.label, p.path) == ("b2", "label_exact")


@pytest.mark.parametrize("text", [
    "I will play a1, not b2.",
    "a1 is fine; I won't play b2",
    "a1 is better than b2",
    "a1 rather than b2",
    "I go a1 instead of b2.",
    "Never b2",
    "a1, avoiding b2",
    "I like a1. What about b2?",
    "a1 is good. Is b2 better?",
    "a1 now, then b2",
    "I play a1 unless they take b2",
    "a1; if they play b2 I lose",
    "I'd go for a1 over b2",
    "a1 is not to be b2",
    "I play a1 because b2 is weak",
    "a1, since the centre b2 is taken",
    "a1 which blocks b2",
    "a1 to block b2",
    "a1 threatens c3",
    "a1 although b2 is tempting",
])
def test_last_move_ruled_out_compared_or_questioned_is_unclear(text: str) -> None:
    p = parse_answer(text, CELLS)
    assert (p.label, p.path, p.error) == (None, "unparsable", UNCLEAR)


@pytest.mark.parametrize(("text", "label"), [
    ("Not a1 but b2", "b2"),
    ("I'm not sure, but b2", "b2"),
    ("Nothing beats b2.", "b2"),
    ("a1? No. b2.", "b2"),
    ("Is a1 good? No, b2 is my move", "b2"),
    ("Since a1 is taken, I play b2", "b2"),
    ("Because of the threat on a1, I play b2.", "b2"),
    ("I think that b2 is best", "b2"),
    ("I move to b2", "b2"),
])
def test_negation_or_question_elsewhere_does_not_hide_a_clear_last_move(text: str, label: str) -> None:
    assert parse_answer(text, CELLS).label == label


@pytest.mark.parametrize("text", [
    "The legal moves are a1, b2, c3",
    "I'd play b2 or c3",
    'Options: ["a1", "b2"]',
    "a1 / b2",
    "either a1 and b2",
])
def test_answer_ending_in_a_list_of_moves_is_ambiguous(text: str) -> None:
    p = parse_answer(text, CELLS)
    assert (p.label, p.error) == (None, AMBIGUOUS)


def test_repeating_the_same_move_is_no_list() -> None:
    assert parse_answer("b2, b2!", CELLS).label == "b2"


def test_single_letter_names_count_only_as_the_whole_answer() -> None:
    names = ["cooperate", "defect", "c", "d"]
    assert parse_answer("I cooperate; see point d", names).label == "cooperate"
    assert parse_answer("Defect, i.e. option c", names).label == "defect"
    p = parse_answer(" d. ", names)
    assert (p.label, p.path) == ("d", "label_exact")


def test_written_spelling_is_returned_when_names_differ_only_by_case() -> None:
    names = ["Bxc3", "bxc3"]
    assert parse_answer("I take with bxc3", names).label == "bxc3"
    assert parse_answer("I take with Bxc3", names).label == "Bxc3"
    assert parse_answer("I take with BXC3", names).label == "BXC3"  # the renderer decides, or rejects


def _chess_vocabulary():
    from arena.games.base import MoveVocabulary
    from arena.games.chess import MOVE_TOKEN, SQUARE_TOKEN

    return MoveVocabulary(names=("e2e4", "g1f3"), pattern=MOVE_TOKEN, weak=SQUARE_TOKEN)


@pytest.mark.parametrize(("text", "label"), [
    ("e2e4 is solid, but I'll play e2e5.", "e2e5"),
    ("Nf3 is natural; still, I play Qh5+!", "Qh5+!"),
    ("I castle: O-O-O", "O-O-O"),
    ("exd5 is tempting, but bxc3", "bxc3"),
    ("The pawn goes from e2 to e4", "e4"),  # only squares: the last one is the move
    ("e8=Q wins", "e8=Q"),
    ("Ng1-f3 develops", "Ng1-f3"),
])
def test_chess_tokens_are_recognised_legal_or_not(text: str, label: str) -> None:
    p = parse_answer(text, _chess_vocabulary())
    assert (p.label, p.path) == (label, "label_last")


@pytest.mark.parametrize("text", ["I'll play e4 and then Nf3", "e2e4, next Nf3", "exd5 recaptures, then bxc3",
                                  "e4 followed by d4"])
def test_chess_plan_of_later_moves_is_not_a_choice_of_the_last(text: str) -> None:
    assert parse_answer(text, _chess_vocabulary()).label is None


def test_chess_square_after_a_move_is_unclear() -> None:
    p = parse_answer("I play Nf3, which controls d4", _chess_vocabulary())
    assert (p.label, p.error) == (None, UNCLEAR)
    p = parse_answer("I play Nf3, which controls d4 and e5", _chess_vocabulary())
    assert p.label is None


def test_chess_whole_answer_token() -> None:
    p = parse_answer("**Qh5**", _chess_vocabulary())
    assert (p.label, p.path) == ("Qh5", "label_exact")
    assert parse_answer("hello world e9 i9j9", _chess_vocabulary()).label is None


@pytest.mark.parametrize(("text", "label"), [
    ('{"action": "c5d4*"}', "c5d4*"),  # a capture, as backgammon and breakthrough label one
    ("c5d4*", "c5d4*"),
    ("**c5d4***", "c5d4*"),  # in bold
    ('{"action": "**e2e3**"}', "e2e3"),  # bold around a label without a '*'
])
def test_a_star_that_belongs_to_a_label_is_kept(text: str, label: str) -> None:
    assert parse_answer(text, ["c5d4*", "e2e3", "a1a2"]).label == label
