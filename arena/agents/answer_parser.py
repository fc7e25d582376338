"""Find the move a model's answer names. Pure functions, no game knowledge.

The one principle: a model is credited only with the move it chose, which is its JSON
"action" or, in free text, the move it names last; never a move it merely mentioned,
considered or rejected. When the answer does not make its choice clear, nothing is
credited and the error says why, worded for the re-prompt.

The parser only extracts text; the agent then judges it with
`renderer.parse(state, player, label)`. Free text is searched among *every* move that
exists in the game at that point, legal or not (the renderer's `MoveVocabulary`: all nine
tic-tac-toe cells, every chess move token...), so an answer whose last-named move is
illegal becomes an illegal attempt naming that move; it is never credited with an
earlier, legal move. A plain list of names may be passed instead of a vocabulary.

Rules, tried in order on the answer after removing reasoning-model `<think>...</think>`
blocks (an unclosed `<think>` runs to the end: a model cut off mid-thought concluded
nothing):

1. `json`          the whole answer is a JSON object with an "action" field;
   `json_fenced`   the same inside one ```json fenced block```.
2. `json_embedded` the *last* `{...}` in the text that decodes to an object with an
                   "action" field (an example of the format, or a first draft, comes
                   before the final answer). An "action" inside an object that has one
                   itself belongs to that object; nested braces and braces inside strings
                   are fine. Prose around the object is not read: the JSON is the answer
                   the prompt asks for.
3. `label_exact`   the whole answer, without surrounding quotes, backticks, bold and a
                   trailing period, is a move name or a move-shaped token (legal or not;
                   case-insensitive). One-letter names ('c' for cooperate) count here only.
4. `label_last`    the move named last in the text, as a whole word (moves at the end of
                   reasoning are its conclusion), under these conditions, each of which
                   otherwise makes the answer `unparsable`:
                   - overlap: a name that is only part of a longer name found at the same
                     place ('Bet' in 'Bet all') is no mention of its own; two different
                     names still overlapping at the last place are ambiguous (AMBIGUOUS);
                   - list: the last move must not end a list of different moves, i.e. be
                     separated from the one before it only by commas, semicolons, slashes,
                     dashes, brackets, quotes, 'or', 'and', 'then', 'vs' ('a1, b2 or c3';
                     'the a1-c3 diagonal'; a quoted list of legal moves) (AMBIGUOUS);
                   - clear choice: the last move must not be ruled out ('not b2', "won't
                     play b2", 'never', 'avoid'), compared or replaced ('better than b2',
                     'rather than', 'instead of', 'over', 'vs', 'except', 'without'),
                     later or conditional ('then b2', 'next', 'followed by', 'after',
                     'if they play b2', 'unless', 'when'), what the chosen move does to
                     another ('blocks c3', 'attacks', 'controls', 'threatens', 'against'),
                     inside a reason or relative clause that has not ended ('b2 because a1
                     is weak', 'since', 'which', 'while', 'although'), or asked about
                     ('what about b2?', 'e4?') (UNCLEAR). Such an answer is not read as
                     choosing an earlier move either: nothing is credited;
                   - weak names: a token the vocabulary marks weak (chess: a bare square,
                     which is a pawn move but often just a square, as in 'Nf3 controls
                     e5') is taken only when the answer names no other kind of move
                     (UNCLEAR);
                   - one-letter names are not mentions in running text ('option c', 'p =
                     0.5' are too often something else).
                   The label returned is the vocabulary's spelling when the text matches
                   exactly one name case-insensitively, else the text as written (chess:
                   'bxc3' and 'Bxc3' differ; the renderer decides, or rejects).
5. `unparsable`    none of the above; `error` says why, for the re-prompt.

Once steps 1-2 find an object with "action", that object decides: an unusable value
(null, empty, a list...) is an error, and labels mentioned in its "reasoning" are never
scanned, so a model is not credited with a move it only discussed.

An integer "action" is returned as label text (`str(n)`) with `action_id=n`. The agent
judges it as that label whenever the game has a move named so, legal or not (connect
four's column "3" stays column 3 even when full, never action id 3); only an integer that
names no move at all is tried as a legal action id (parser path `<path>_action_id`).
JSON strings are labels only.

Curly quotes (“action”: “Bet”) are straightened when the answer is not valid JSON as is.
Limits: free text is read by its words, not its meaning. The markers above err towards
"unclear" (a re-prompt costs one call; a wrong credit corrupts the results), so some clear
answers are refused ('I block with b2'). Others still slip through: a move named last as
the opponent's expected reply in a sentence of its own ('I play a1. O will answer c3.')
is taken as the answer, and move names that are ordinary words ('a safe bet') count
wherever they stand as words. The prompt asks for JSON, which has none of these problems.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from arena.games.base import MoveVocabulary

NO_ACTION = 'Could not find a JSON object with an "action" field in your answer.'
EMPTY = "Your answer was empty."
AMBIGUOUS = 'Your answer names several moves at its end and has no JSON object with an "action" field.'
UNCLEAR = (
    "It is unclear which move your answer chooses: the last move it names is ruled out, compared, "
    'conditional, questioned or may not be a move at all, and it has no JSON object with an "action" field.'
)

_THINK = re.compile(r"<think>.*?(</think>|\Z)", re.DOTALL | re.IGNORECASE)
_FENCED = re.compile(r"\A```(?:json)?\s*(.*?)\s*```\Z", re.DOTALL | re.IGNORECASE)
_CURLY = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
_STRIP = " \t\r\n`'\"“”‘’.*"
_WORD = re.compile(r"\w")

_OPEN = r"[\"'`*(\[“‘]*"  # quotes, bold, brackets between a marker and the move
# Words that may stand between a negation or condition and the move ("not to play b2"),
# but not words that turn the sentence around ("not a1 but b2").
_GAP = r"(?:\s+(?!(?:but|so|yet|however|instead|rather|though|although)\b)\w+){0,2}"
_RELATION = (
    "block|blocks|blocking|threaten|threatens|threatening|attack|attacks|attacking|control|controls|"
    "controlling|defend|defends|defending|protect|protects|protecting|cover|covers|covering|prevent|"
    "prevents|preventing|guard|guards|guarding|target|targets|targeting|eye|eyes|eyeing|against"
)
_UNCLEAR_BEFORE = re.compile(
    # ruled out, conditional, or what the chosen move does to another: a word or two may follow
    rf"(?:\b(?:not|never|cannot|avoid|avoiding|avoids|if|unless|when|whether|{_RELATION})|n['’]t)"
    rf"{_GAP}\s+{_OPEN}\Z"
    # compared, replaced or later: right before the move
    rf"|\b(?:than|instead\s+of|rather\s+than|over|versus|vs\.?|except|without|then|next|followed\s+by|after)"
    rf"\s+{_OPEN}\Z"
    # inside a reason or relative clause that has not ended yet ('b2 because a1 is weak')
    r"|\b(?:because|since|whereas|although|though|while|which|so\s+that|in\s+order\s+to)\b[^.!?;:,\n]*\Z",
    re.IGNORECASE,
)
_SEP = r"[\s,;/|&+\-–—\"'`*()\[\]{}“”‘’]*"
_LIST_GAP = re.compile(rf"{_SEP}(?:(?:or|and|then|vs\.?|versus){_SEP})*", re.IGNORECASE)
_SENTENCE_REST = re.compile(r"[^.!?\n]*")


@dataclass(frozen=True)
class ParsedAnswer:
    """What an answer names. `label` is None when nothing usable was found."""

    label: str | None
    path: str  # which rule matched: json, json_fenced, json_embedded, label_exact, label_last, unparsable
    reasoning: str = ""  # the JSON "reasoning" field, else the <think> text
    action_id: int | None = None  # set only when "action" was a JSON integer
    error: str = ""  # why nothing was parsed, worded for the model


class _Mention(NamedTuple):
    start: int
    end: int
    written: str  # the answer's own spelling
    weak: bool  # the vocabulary's weak pattern matches it in full

    @property
    def key(self) -> str:
        return " ".join(self.written.split()).casefold()


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


def parse_answer(text: str, moves: Sequence[str] | MoveVocabulary) -> ParsedAnswer:
    """Apply the rules of the module docstring to `text`, given every move of the game
    (a vocabulary, or a list of names; legal or not)."""
    vocabulary = moves if isinstance(moves, MoveVocabulary) else MoveVocabulary(names=tuple(moves))
    answer, thinking = strip_thinking(text or "")
    if not answer:
        return ParsedAnswer(None, "unparsable", thinking, error=EMPTY)
    found = _find_json(answer)
    if found is None and answer.translate(_CURLY) != answer:
        found = _find_json(answer.translate(_CURLY))
    if found is not None:
        obj, path = found
        return _from_object(obj, path, thinking, vocabulary)
    exact = _exact_label(answer, vocabulary)
    if exact is not None:
        return ParsedAnswer(exact, "label_exact", thinking)
    label, error = _last_label(answer, vocabulary)
    if label is not None:
        return ParsedAnswer(label, "label_last", thinking)
    return ParsedAnswer(None, "unparsable", thinking, error=error)


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
    last, inside_until = None, 0
    for start in (i for i, ch in enumerate(text) if ch == "{"):
        if start < inside_until:  # within an object already taken: its "action" decides
            continue
        try:
            obj, end = decoder.raw_decode(text, start)
        except ValueError:
            continue
        if isinstance(obj, dict) and "action" in obj:
            last, inside_until = obj, end
    return (last, "json_embedded") if last is not None else None


def _keep_star(stripped: str, written: str, vocabulary: MoveVocabulary) -> str:
    """`stripped` with the '*' that stripping bold took off, where that '*' belongs to a move's label
    (backgammon, breakthrough and others mark a capture with one)."""
    starred = stripped + "*"
    if starred in written and _resolve(starred, vocabulary.names) in vocabulary.names:
        return starred
    return stripped


def _from_object(obj: dict, path: str, thinking: str, vocabulary: MoveVocabulary) -> ParsedAnswer:
    reasoning = obj.get("reasoning")
    reasoning = reasoning.strip() if isinstance(reasoning, str) and reasoning.strip() else thinking
    value = obj["action"]
    # bool is an int subclass; `true` is never a move.
    if isinstance(value, int) and not isinstance(value, bool):
        return ParsedAnswer(str(value), path, reasoning, action_id=value)
    if isinstance(value, str) and value.strip(_STRIP):
        return ParsedAnswer(_keep_star(value.strip(_STRIP), value, vocabulary), path, reasoning)
    error = f'The "action" field must be one legal move label, not {json.dumps(value, ensure_ascii=False)}.'
    return ParsedAnswer(None, "unparsable", reasoning, error=error)


def _resolve(written: str, names: Sequence[str]) -> str:
    """The vocabulary's spelling of `written` when that is unique, else `written` itself."""
    wanted = " ".join(written.split())
    if wanted in names:
        return wanted
    folded = wanted.casefold()
    hits = {n for n in names if " ".join(n.split()).casefold() == folded}
    return hits.pop() if len(hits) == 1 else wanted


def _exact_label(answer: str, vocabulary: MoveVocabulary) -> str | None:
    wanted = " ".join(_keep_star(answer.strip(_STRIP), answer, vocabulary).split())
    if not wanted:
        return None
    folded = wanted.casefold()
    if any(" ".join(n.split()).casefold() == folded for n in vocabulary.names):
        return _resolve(wanted, vocabulary.names)
    if vocabulary.pattern is not None and vocabulary.pattern.fullmatch(wanted):
        return _resolve(wanted, vocabulary.names)
    return None


@lru_cache(maxsize=64)
def _bounded(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` as a whole word: no word character right before or after it."""
    return re.compile(rf"(?<!\w)(?:{pattern.pattern})(?!\w)", pattern.flags)


def _mentions(text: str, vocabulary: MoveVocabulary) -> list[_Mention]:
    """Every whole-word mention of a move, minus those inside a longer mention."""
    # Casefold character by character to keep a map back to the original text.
    folded = [ch.casefold() for ch in text]
    low = "".join(folded)
    origin = [i for i, f in enumerate(folded) for _ in f]
    word = [bool(_WORD.match(ch)) for ch in low]
    spans: dict[tuple[int, int], None] = {}
    seen: set[str] = set()
    for name in vocabulary.names:
        needle = name.strip().casefold()
        if not needle or needle in seen or (len(needle) == 1 and needle.isalpha()):
            continue
        seen.add(needle)
        at = low.find(needle)
        while at != -1:
            end = at + len(needle)
            # Boundaries as the regex lookarounds (?<!\w) and (?!\w): labels such as
            # "x(0,0)" end in a non-word character.
            if (at == 0 or not word[at - 1]) and (end == len(low) or not word[end]):
                spans[(origin[at], origin[end - 1] + 1)] = None
            at = low.find(needle, at + 1)
    if vocabulary.pattern is not None:
        for m in _bounded(vocabulary.pattern).finditer(text):
            spans[(m.start(), m.end())] = None
    found = list(spans)
    # A name inside a longer matched name ('Bet' in 'Bet all') is not a mention of its own.
    found = [s for s in found if not any(o[0] <= s[0] and s[1] <= o[1] and o != s for o in found)]
    weak = vocabulary.weak
    return [_Mention(a, b, text[a:b], bool(weak and weak.fullmatch(text[a:b]))) for a, b in found]


def _last_label(text: str, vocabulary: MoveVocabulary) -> tuple[str | None, str]:
    """(the move named last, "") or (None, why the answer names no clear move)."""
    mentions = _mentions(text, vocabulary)
    if not mentions:
        return None, NO_ACTION
    last = max(mentions, key=lambda m: (m.end, m.start))
    if any(m.key != last.key and m.end > last.start for m in mentions if m is not last):
        return None, AMBIGUOUS  # two different names overlap at the last place
    before = [m for m in mentions if m.end <= last.start]
    previous = max(before, key=lambda m: m.end) if before else None
    if previous is not None and previous.key != last.key and _LIST_GAP.fullmatch(text[previous.end:last.start]):
        return None, AMBIGUOUS
    if _UNCLEAR_BEFORE.search(text, max(0, last.start - 200), last.start) or _questioned(text, last):
        return None, UNCLEAR
    if last.weak and any(not m.weak for m in mentions):
        return None, UNCLEAR
    return _resolve(last.written, vocabulary.names), ""


def _questioned(text: str, mention: _Mention) -> bool:
    """Whether the sentence holding `mention` is a question ('what about b2?', 'e4?')."""
    if mention.written.endswith("?"):
        return True
    rest = _SENTENCE_REST.match(text, mention.end)
    return rest is not None and text[rest.end():rest.end() + 1] == "?"
