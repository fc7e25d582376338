"""What a game looks like to the rest of the arena: an OpenSpiel game plus a renderer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import pyspiel


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
