"""What a game looks like to the rest of the arena: an OpenSpiel game plus a renderer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

import pyspiel


@dataclass(frozen=True)
class MoveVocabulary:
    """Every way of naming a move that exists in the game at a state, legal or not.

    The answer parser finds the move an answer names last among these, so that a model
    naming an illegal move last is told so instead of being credited with an earlier,
    legal move it merely mentioned. Legality is decided afterwards by `Renderer.parse`.

    `names` are literal spellings (labels, aliases, OpenSpiel's action strings), matched
    case-insensitively as whole words. `pattern` recognises move-shaped tokens where the
    moves are too many to list (chess: every from-to pair, every SAN-like token); it is
    matched case-insensitively too, with the same whole-word boundaries. A token matching
    `weak` in full also names something that is not a move (chess: a bare square is a
    pawn move and just a square), so the parser only trusts it when nothing else is named.
    """

    names: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None
    weak: re.Pattern[str] | None = None

    def with_names(self, extra: list[str] | tuple[str, ...]) -> MoveVocabulary:
        """This vocabulary plus `extra` names (the legal labels, say)."""
        have = set(self.names)
        missing = [n for n in dict.fromkeys(extra) if n not in have]
        return MoveVocabulary(names=(*self.names, *missing), pattern=self.pattern, weak=self.weak) if missing else self

    def recognises(self, text: str) -> bool:
        """Whether `text` as a whole names a move of the game (legal or not)."""
        wanted = " ".join(text.split()).casefold()
        if not wanted:
            return False
        if any(" ".join(n.split()).casefold() == wanted for n in self.names):
            return True
        return bool(self.pattern and self.pattern.fullmatch(" ".join(text.split())))


class Renderer(Protocol):
    """Turns OpenSpiel states into text a model can read, and its answers back into actions.

    Implementations are stateless; one instance serves every episode of a game.
    """

    def rules(self, game: pyspiel.Game) -> str:
        """A few sentences: the goal, the move format, the player symbols."""

    def observation(self, state: pyspiel.State, player: int) -> str:
        """What `player` may see now: board with coordinates, whose turn, the player's
        own symbol/role, move history where it matters. Never hidden information of others."""

    def legal_moves(self, state: pyspiel.State, player: int) -> list[tuple[int, str]]:
        """(action id, label) for every legal action of `player`, labels unique."""

    def parse(self, state: pyspiel.State, player: int, text: str) -> int | None:
        """The legal action that `text` names (a label, an alias such as SAN for chess,
        case-insensitive), or None."""

    def label(self, state: pyspiel.State, player: int, action: int) -> str:
        """The label of one legal action, as `legal_moves` gives it: results record every
        player's moves in this vocabulary, scripted players' too."""

    def vocabulary(self, state: pyspiel.State, player: int) -> MoveVocabulary:
        """Every move name `player` could use in this game at `state`, legal or not: all
        labels and aliases `parse` knows, for every action the game has (tic-tac-toe: all
        nine cells, occupied or not). Must include every legal label."""


def move_vocabulary(renderer: Renderer, state: pyspiel.State, player: int) -> MoveVocabulary:
    """The renderer's vocabulary, always including the legal labels. A renderer without
    `vocabulary` (one written before it existed) falls back to the legal labels alone: then
    an illegal move named last in free text cannot be recognised as a move at all, and the
    parser may find an earlier, legal label instead."""
    labels = [label for _, label in renderer.legal_moves(state, player)]
    own = getattr(renderer, "vocabulary", None)
    if own is None:
        return MoveVocabulary(names=tuple(labels))
    return own(state, player).with_names(labels)


@dataclass(frozen=True)
class Game:
    """A loaded game: OpenSpiel object, our name, and its renderer."""

    name: str  # arena name, e.g. "prisoners_dilemma"
    key: str  # name plus parameters, stable identity in results
    spiel: pyspiel.Game
    renderer: Renderer
    tailored: bool  # False when the generic renderer is used

    @property
    def num_players(self) -> int:
        return self.spiel.num_players()

    @property
    def simultaneous(self) -> bool:
        return self.spiel.get_type().dynamics == pyspiel.GameType.Dynamics.SIMULTANEOUS

    @property
    def zero_sum(self) -> bool:
        return self.spiel.get_type().utility == pyspiel.GameType.Utility.ZERO_SUM

    @property
    def perfect_information(self) -> bool:
        return self.spiel.get_type().information == pyspiel.GameType.Information.PERFECT_INFORMATION
