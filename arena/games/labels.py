"""Shared parsing for tailored renderers: each legal move has one label and some aliases."""

from __future__ import annotations

from typing import NamedTuple

import pyspiel

_WRAPPERS = "`'\"*"


class Move(NamedTuple):
    action: int
    label: str  # what the model is shown and asked to answer with
    aliases: tuple[str, ...] = ()  # other spellings accepted by parse()


def clean(text: str) -> str:
    """Strip what models wrap answers in (whitespace, quotes, backticks, bold, a final period)."""
    previous = None
    while previous != text:
        previous = text
        text = text.strip().strip(_WRAPPERS).strip()
        if text.endswith("."):
            text = text[:-1]
    return " ".join(text.split())


def match(moves: list[Move], text: str) -> int | None:
    """Exact spelling first, so case-sensitive notations (chess SAN: 'bxc3' is a pawn, 'Bxc3'
    a bishop) stay exact; then case-insensitively, but only when that names a single action."""
    wanted = clean(text)
    if not wanted:
        return None
    for move in moves:
        if wanted == move.label or wanted in move.aliases:
            return move.action
    folded = wanted.casefold()
    hits = {m.action for m in moves for name in (m.label, *m.aliases) if name.casefold() == folded}
    return hits.pop() if len(hits) == 1 else None


class LabelledRenderer:
    """Base for tailored renderers: subclasses implement rules, observation and moves()."""

    def moves(self, state: pyspiel.State, player: int) -> list[Move]:
        raise NotImplementedError

    def legal_moves(self, state: pyspiel.State, player: int) -> list[tuple[int, str]]:
        return [(m.action, m.label) for m in self.moves(state, player)]

    def parse(self, state: pyspiel.State, player: int, text: str) -> int | None:
        moves = self.moves(state, player)
        # OpenSpiel's own action string is always accepted too: it is what logs and other tools show.
        moves = [m._replace(aliases=(*m.aliases, state.action_to_string(player, m.action))) for m in moves]
        return match(moves, text)


def turn_line(state: pyspiel.State, player: int, names: list[str]) -> str:
    """'It is your turn.' / 'It is X's turn.' / the result, for alternating two-player games."""
    if state.is_terminal():
        return result_line(state, player, names)
    current = state.current_player()
    return "It is your turn." if current == player else f"It is {names[current]}'s turn; wait."


def result_line(state: pyspiel.State, player: int, names: list[str]) -> str:
    returns = state.returns()
    best = max(returns)
    winners = [p for p, r in enumerate(returns) if r == best]
    if len(winners) == len(returns):
        return "Game over: draw."
    if len(winners) == 1:
        who = "you" if winners[0] == player else names[winners[0]]
        return f"Game over: {who} won."
    return "Game over: " + ", ".join(names[p] for p in winners) + " won."
