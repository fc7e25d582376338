"""A player's empirical policy over a game's information states, and its NashConv and exploitability
by OpenSpiel's best response (the C++ `pyspiel.nash_conv`, about four times faster than the Python one)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyspiel
from open_spiel.python import policy as spiel_policy

_CONSTANT_SUM = (pyspiel.GameType.Utility.ZERO_SUM, pyspiel.GameType.Utility.CONSTANT_SUM)


@dataclass(frozen=True)
class PolicySpace:
    """Every information state of a game (all seats) with its legal actions."""

    game: pyspiel.Game
    states: tuple[str, ...]
    index: dict[str, int]
    legal: np.ndarray  # states x actions, bool

    @property
    def size(self) -> int:
        return len(self.states)

    def counts(self, states: np.ndarray, actions: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """states x actions: how often each action was taken at each state (each decision weighted)."""
        width = self.legal.shape[1]
        flat = np.bincount(states * width + actions, weights=weights, minlength=self.size * width)
        return flat.reshape(self.size, width)

    def probabilities(self, counts: np.ndarray) -> np.ndarray:
        """Action frequencies per state; a state never met is played uniformly over its legal actions."""
        totals = counts.sum(axis=1, keepdims=True)
        uniform = self.legal / self.legal.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(totals > 0, counts / totals, uniform)

    def scores(self, probabilities: np.ndarray) -> tuple[float, float]:
        """(NashConv, exploitability) of the profile in which every seat plays `probabilities`."""
        table = {s: [(int(a), float(probabilities[i, a])) for a in np.flatnonzero(self.legal[i])]
                 for i, s in enumerate(self.states)}
        tabular = pyspiel.TabularPolicy(table)
        nash_conv = float(pyspiel.nash_conv(self.game, tabular))
        if self.game.get_type().utility in _CONSTANT_SUM:
            # The on-policy values sum to the constant, so exploitability = NashConv / players: one best response less.
            return nash_conv, nash_conv / self.game.num_players()
        return nash_conv, float(pyspiel.exploitability(self.game, tabular))


def policy_space(game: pyspiel.Game) -> PolicySpace:
    """The information states of `game` (enumerated once per game and process)."""
    key = str(game)  # the game with its parameters; pyspiel games do not hash
    space = _SPACES.get(key)
    if space is None:
        tabular = spiel_policy.TabularPolicy(game)
        states = tuple(sorted(tabular.state_lookup, key=tabular.state_lookup.__getitem__))
        space = _SPACES[key] = PolicySpace(game, states, {s: i for i, s in enumerate(states)},
                                           tabular.legal_actions_mask.astype(bool))
    return space


_SPACES: dict[str, PolicySpace] = {}
