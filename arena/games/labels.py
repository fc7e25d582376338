"""Shared parsing for tailored renderers: each legal move has one label and some aliases."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import pyspiel

from arena.games.base import MoveVocabulary

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
    """Base for tailored renderers: subclasses implement rules, observation and move()
    (or moves() and vocabulary() themselves, as chess does)."""

    def move(self, state: pyspiel.State, player: int, action: int) -> Move:
        """The label and aliases of `action` for `player` at `state`, legal or not."""
        raise NotImplementedError

    def all_actions(self, state: pyspiel.State, player: int) -> Iterable[int]:
        """Every action `player` has in this game, legal now or not."""
        return range(state.get_game().num_distinct_actions())

    def moves(self, state: pyspiel.State, player: int) -> list[Move]:
        return [self.move(state, player, a) for a in state.legal_actions(player)]

    def vocabulary(self, state: pyspiel.State, player: int) -> MoveVocabulary:
        """Labels and aliases of every action of the game, legal or not, plus OpenSpiel's
        action strings for them (which parse() accepts for legal moves)."""
        names: dict[str, None] = {}
        for action in self.all_actions(state, player):
            move = self.move(state, player, action)
            names.update(dict.fromkeys((move.label, *move.aliases)))
            try:
                names[state.action_to_string(player, action)] = None
            except Exception:  # noqa: BLE001 - some games cannot name an action they would not allow
                pass
        return MoveVocabulary(names=tuple(names))

    def legal_moves(self, state: pyspiel.State, player: int) -> list[tuple[int, str]]:
        return [(m.action, m.label) for m in self.moves(state, player)]

    def label(self, state: pyspiel.State, player: int, action: int) -> str:
        """The label of one legal action: what results record for every player's move."""
        try:
            return self.move(state, player, action).label
        except NotImplementedError:  # a renderer that lists its moves only as a whole (chess)
            return dict(self.legal_moves(state, player))[action]

    def parse(self, state: pyspiel.State, player: int, text: str) -> int | None:
        moves = self.moves(state, player)
        # OpenSpiel's own action string is always accepted too: it is what logs and other tools show.
        moves = [m._replace(aliases=(*m.aliases, state.action_to_string(player, m.action))) for m in moves]
        return match(moves, text)


def board_observation(state: pyspiel.State, player: int, symbols: list[str], board_caption: str, board: str,
                      history_caption: str, history: list[str]) -> str:
    """What a player of an alternating two-player board game sees: who they are and whose turn,
    the board under its caption, and the moves so far."""
    return "\n".join([
        f"You are {symbols[player]} (player {player}). {turn_line(state, player, symbols)}",
        board_caption,
        board,
        f"{history_caption}: " + (", ".join(history) if history else "none"),
    ])


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
