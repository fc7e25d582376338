"""The answer parser on well-formed, sloppy and adversarial model answers."""

from __future__ import annotations

import time

import pytest

from arena.agents.answer_parser import AMBIGUOUS, EMPTY, NO_ACTION, parse_answer, strip_thinking

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


def test_first_object_with_action_wins() -> None:
    p = parse_answer('{"note": "b2"} first {"action": "a1"} then {"action": "a10"}', GRID)
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
    start = time.perf_counter()
    p = parse_answer("{" * 5000 + "[" * 5000 + "a1", GRID)
    assert time.perf_counter() - start < 2
    assert (p.label, p.path) == ("a1", "label_last")  # '[' is no word character
