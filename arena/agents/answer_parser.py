"""Find the move a model's free-text answer names. Pure functions, no game knowledge.

The parser only extracts text; the agent then validates it with
`renderer.parse(state, player, label)` against the legal moves. Rules, tried in
order on the answer after removing reasoning-model `<think>...</think>` blocks (an
unclosed `<think>` runs to the end: a model cut off mid-thought concluded nothing):

1. `json`          the whole answer is a JSON object with an "action" field;
   `json_fenced`   the same inside one ```json fenced block```.
2. `json_embedded` the first `{...}` in the text that decodes to an object with an
                   "action" field (nested braces and braces inside strings are fine).
3. `label_exact`   the whole answer, without surrounding quotes, backticks and a
                   trailing period, equals a legal label (case-insensitive).
4. `label_last`    the legal label occurring last in the text as a whole word
                   (moves at the end of reasoning are its conclusion). A label that is
                   only part of a longer matched label ('Bet' in 'Bet all') does not
                   count; if two labels still overlap at the last place, the answer is
                   ambiguous and unparsable.
5. `unparsable`    none of the above; `error` says why, for the re-prompt.

Once steps 1-2 find an object with "action", that object decides: an unusable value
(null, empty, a list...) is an error, and labels mentioned in its "reasoning" are never
scanned, so a model is not credited with a move it only discussed.

An integer "action" is returned as label text (`str(n)`) with `action_id=n`: the agent
accepts it as a label first, and as an action id only when the text is not a legal
label and `n` is a legal action id. So `{"action": 3}` in a game whose labels are
"1".."9" means the move labelled "3", never action id 3. JSON strings are labels only.

Curly quotes (“action”: “Bet”) are straightened when the answer is not valid JSON as is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Sequence

NO_ACTION = 'Could not find a JSON object with an "action" field in your answer.'
EMPTY = "Your answer was empty."
AMBIGUOUS = 'Your answer names several moves at its end and has no JSON object with an "action" field.'

_THINK = re.compile(r"<think>.*?(</think>|\Z)", re.DOTALL | re.IGNORECASE)
_FENCED = re.compile(r"\A```(?:json)?\s*(.*?)\s*```\Z", re.DOTALL | re.IGNORECASE)
_CURLY = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
_STRIP = " \t\r\n`'\"“”‘’.*"


@dataclass(frozen=True)
class ParsedAnswer:
    """What an answer names. `label` is None when nothing usable was found."""

    label: str | None
    path: str  # which rule matched: json, json_fenced, json_embedded, label_exact, label_last, unparsable
    reasoning: str = ""  # the JSON "reasoning" field, else the <think> text
    action_id: int | None = None  # set only when "action" was a JSON integer
    error: str = ""  # why nothing was parsed, worded for the model


def strip_thinking(text: str) -> tuple[str, str]:
    """(answer without <think> blocks, the thinking text). A stray `</think>` whose
    opening tag was in the prompt (some chat templates) ends the thinking too."""
    thoughts = [m.group(0) for m in _THINK.finditer(text)]
    answer = _THINK.sub("", text)
    if "</think>" in answer.lower():
        cut = answer.lower().rindex("</think>")
        thoughts.insert(0, answer[:cut])
        answer = answer[cut + len("</think>"):]
    thinking = "\n".join(re.sub(r"</?think>", "", t, flags=re.IGNORECASE).strip() for t in thoughts)
    return answer.strip(), thinking.strip()


def parse_answer(text: str, labels: Sequence[str]) -> ParsedAnswer:
    """Apply the rules of the module docstring to `text`, given the legal labels."""
    answer, thinking = strip_thinking(text or "")
    if not answer:
        return ParsedAnswer(None, "unparsable", thinking, error=EMPTY)
    found = _find_json(answer)
    if found is None and answer.translate(_CURLY) != answer:
        found = _find_json(answer.translate(_CURLY))
    if found is not None:
        obj, path = found
        return _from_object(obj, path, thinking)
    exact = _exact_label(answer, labels)
    if exact is not None:
        return ParsedAnswer(exact, "label_exact", thinking)
    last, ambiguous = _last_label(answer, labels)
    if last is not None:
        return ParsedAnswer(last, "label_last", thinking)
    return ParsedAnswer(None, "unparsable", thinking, error=AMBIGUOUS if ambiguous else NO_ACTION)


def _find_json(text: str) -> tuple[dict, str] | None:
    """The object with an "action" key that decides the answer, and the rule that found it."""
    fenced = _FENCED.match(text)
    for body, path in ((text, "json"), (fenced.group(1) if fenced else None, "json_fenced")):
        if body is None:
            continue
        try:
            obj = json.loads(body)
        except ValueError:
            continue
        if isinstance(obj, dict) and "action" in obj:
            return obj, path
    decoder = json.JSONDecoder()
    for start in (i for i, ch in enumerate(text) if ch == "{"):
        try:
            obj, _ = decoder.raw_decode(text, start)
        except ValueError:
            continue
        if isinstance(obj, dict) and "action" in obj:
            return obj, "json_embedded"
    return None


def _from_object(obj: dict, path: str, thinking: str) -> ParsedAnswer:
    reasoning = obj.get("reasoning")
    reasoning = reasoning.strip() if isinstance(reasoning, str) and reasoning.strip() else thinking
    value = obj["action"]
    # bool is an int subclass; `true` is never a move.
    if isinstance(value, int) and not isinstance(value, bool):
        return ParsedAnswer(str(value), path, reasoning, action_id=value)
    if isinstance(value, str) and value.strip(_STRIP):
        return ParsedAnswer(value.strip(_STRIP), path, reasoning)
    error = f'The "action" field must be one legal move label, not {json.dumps(value, ensure_ascii=False)}.'
    return ParsedAnswer(None, "unparsable", reasoning, error=error)


def _exact_label(answer: str, labels: Sequence[str]) -> str | None:
    wanted = answer.strip(_STRIP).casefold()
    for label in labels:
        if label.strip().casefold() == wanted:
            return label
    return None


def _last_label(text: str, labels: Sequence[str]) -> tuple[str | None, bool]:
    """(label occurring last as a whole word, whether the last place was ambiguous)."""
    low = text.casefold()
    spans: list[tuple[int, int, str]] = []
    for label in labels:
        needle = label.strip().casefold()
        if not needle:
            continue
        # Lookarounds instead of \b: labels such as "x(0,0)" end in a non-word character.
        for m in re.finditer(rf"(?<!\w){re.escape(needle)}(?!\w)", low):
            spans.append((m.start(), m.end(), label))
    # A label inside a longer matched label ('Bet' in 'Bet all') is not a mention of its own.
    def inside_longer(s: tuple[int, int, str]) -> bool:
        return any(o[0] <= s[0] and s[1] <= o[1] and o[1] - o[0] > s[1] - s[0] for o in spans)

    spans = [s for s in spans if not inside_longer(s)]
    if not spans:
        return None, False
    last = max(spans, key=lambda s: (s[1], s[0]))
    rivals = [s for s in spans if s[2] != last[2] and s[1] > last[0]]
    return (None, True) if rivals else (last[2], False)
