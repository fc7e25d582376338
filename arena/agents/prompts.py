"""Versioned prompt templates for LLM players.

Every results row stores the prompt version, so the wording of a version never
changes once used: a new wording is a new entry in TEMPLATES (and a new
PROMPT_VERSION default in arena/config/models.py, the one source of that name).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyspiel

from arena.config.models import PROMPT_VERSION
from arena.games.base import Game

Messages = list[dict[str, str]]


@dataclass(frozen=True)
class Templates:
    """The texts of one prompt version; `{...}` fields are filled with str.format."""

    role: str
    answer_format: str
    user: str  # {observation}, {legal}
    reprompt: str  # {error}, {legal}
    illegal: str  # {label}
    empty_assistant: str  # stands in for an empty answer, which some APIs reject


TEMPLATES: dict[str, Templates] = {
    "v1": Templates(
        role="You are an expert game player taking part in a tournament. You play one seat of the game below.",
        answer_format=(
            "Answer format: reply with a JSON object and nothing else, "
            '{"action": "<one legal move label>", "reasoning": "<optional, short>"}. '
            'The "action" must be exactly one of the legal moves listed in the message, copied as written.'
        ),
        user="{observation}\n\nLegal moves: {legal}\n\nChoose your move.",
        reprompt=(
            "{error} Legal moves: {legal}\n"
            'Reply with a JSON object {{"action": "<one legal move label>"}} naming one of them.'
        ),
        illegal='"{label}" is not a legal move.',
        empty_assistant="(empty answer)",
    ),
}
assert PROMPT_VERSION in TEMPLATES, "the config's default prompt version needs templates"


def templates(version: str = PROMPT_VERSION) -> Templates:
    """The templates of `version`; an unknown version is an error, never a silent default."""
    try:
        return TEMPLATES[version]
    except KeyError:
        raise ValueError(f"prompt_version: unknown version '{version}'; known: {sorted(TEMPLATES)}") from None


def format_legal(labels: list[str]) -> str:
    # A JSON list, because labels such as "x(0,1)" contain commas and spaces.
    return json.dumps(labels, ensure_ascii=False)


def build_messages(
    game: Game, state: pyspiel.State, player: int, labels: list[str], version: str = PROMPT_VERSION
) -> Messages:
    """[system, user]: role, rules and answer format; then what the player sees and its legal moves."""
    t = templates(version)
    system = f"{t.role}\n\n{game.renderer.rules(game.spiel)}\n\n{t.answer_format}"
    user = t.user.format(observation=game.renderer.observation(state, player), legal=format_legal(labels))
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def illegal_move_error(label: str, version: str = PROMPT_VERSION) -> str:
    """The error told to a model that named a move that is not legal."""
    return templates(version).illegal.format(label=label)


def reprompt(
    messages: Messages, answer: str, error: str, labels: list[str], version: str = PROMPT_VERSION
) -> Messages:
    """A new conversation: `messages`, the bad answer, and a user turn naming what was wrong."""
    t = templates(version)
    return [
        *messages,
        {"role": "assistant", "content": answer.strip() or t.empty_assistant},
        {"role": "user", "content": t.reprompt.format(error=error, legal=format_legal(labels))},
    ]
