"""The equilibrium strategies of a one-shot two-player game, and a mixed strategy's distance from them.

Zero-sum (or constant-sum) games: a seat's equilibrium strategies are its maximin strategies, found by
linear programming (the program of OpenSpiel's `lp_solver.solve_zero_sum_matrix_game`, solved here with
scipy because OpenSpiel's solver needs cvxpy). Other games: iterated elimination of strictly dominated
pure strategies; when it leaves one action per seat, that profile is the unique equilibrium. Any other
game has no equilibrium here, and no distance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyspiel
from scipy.optimize import linprog

_TOL = 1e-9
_CONSTANT_SUM = (pyspiel.GameType.Utility.ZERO_SUM, pyspiel.GameType.Utility.CONSTANT_SUM)


def payoff_tensor(game: pyspiel.Game) -> np.ndarray:
    """payoffs[player, row action, column action] of a one-shot simultaneous two-player game."""
    state = game.new_initial_state()
    rows, cols = state.legal_actions(0), state.legal_actions(1)
    out = np.zeros((2, len(rows), len(cols)))
    for i, a in enumerate(rows):
        for j, b in enumerate(cols):
            end = game.new_initial_state()
            end.apply_actions([a, b])
            out[:, i, j] = end.returns()
    return out


def own_payoffs(payoffs: np.ndarray, seat: int) -> np.ndarray:
    """The payoffs of `seat`: rows its actions, columns the opponent's."""
    return payoffs[0] if seat == 0 else payoffs[1].T


@dataclass(frozen=True)
class EquilibriumSet:
    """A seat's equilibrium strategies: one point, or the polytope {x >= 0, sum x = 1, M^T x >= value}."""

    how: str  # how it was found, for the summary's note
    point: np.ndarray | None  # the unique equilibrium strategy, when it is unique
    payoffs: np.ndarray | None = None  # M: the seat's own payoffs (polytope only)
    value: float = 0.0  # the maximin value (polytope only)

    def distance(self, strategy: np.ndarray) -> float:
        """Total-variation distance from `strategy` to the nearest equilibrium strategy: half the L1 distance."""
        if self.point is not None:
            return float(np.abs(strategy - self.point).sum() / 2)
        assert self.payoffs is not None
        n, m = self.payoffs.shape
        # Variables x (n) and t (n) with t >= |strategy - x|; minimise sum(t) / 2 over the equilibrium polytope.
        eye = np.eye(n)
        a_ub = np.vstack([np.hstack([-eye, -eye]), np.hstack([eye, -eye]), np.hstack([-self.payoffs.T, np.zeros((m, n))])])
        b_ub = np.concatenate([-strategy, strategy, np.full(m, -self.value + _TOL)])
        a_eq = np.hstack([np.ones((1, n)), np.zeros((1, n))])
        result = linprog(np.concatenate([np.zeros(n), np.full(n, 0.5)]), A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[1.0],
                         bounds=[(0, None)] * (2 * n))
        return max(0.0, float(result.fun))


def equilibria(game: pyspiel.Game) -> list[EquilibriumSet] | None:
    """Each seat's equilibrium strategies, or None where this module cannot tell them."""
    payoffs = payoff_tensor(game)
    if game.get_type().utility in _CONSTANT_SUM:
        return [_maximin_set(own_payoffs(payoffs, seat)) for seat in (0, 1)]
    live = _undominated(payoffs)
    if all(alive.sum() == 1 for alive in live):
        return [EquilibriumSet("unique, by iterated strict dominance", alive.astype(float)) for alive in live]
    return None


def _maximin_set(payoffs: np.ndarray) -> EquilibriumSet:
    n, m = payoffs.shape
    # Variables x (n) and v: maximise v subject to M^T x >= v, sum x = 1, x >= 0.
    a_ub = np.hstack([-payoffs.T, np.ones((m, 1))])
    a_eq = np.hstack([np.ones((1, n)), np.zeros((1, 1))])
    bounds = [(0, None)] * n + [(None, None)]
    value = float(-linprog(np.r_[np.zeros(n), -1.0], A_ub=a_ub, b_ub=np.zeros(m), A_eq=a_eq, b_eq=[1.0],
                           bounds=bounds).fun)
    # The set is one point when every probability has the same minimum and maximum over it.
    a_set, b_set = -payoffs.T, np.full(m, -value + _TOL)
    ends = [linprog(sign * np.eye(n)[i], A_ub=a_set, b_ub=b_set, A_eq=np.ones((1, n)), b_eq=[1.0],
                    bounds=[(0, None)] * n).x[i] for i in range(n) for sign in (1, -1)]
    low, high = np.array(ends[0::2]), np.array(ends[1::2])
    if np.allclose(low, high, atol=1e-7):
        return EquilibriumSet("unique, by linear programming (zero-sum)", low / low.sum())
    return EquilibriumSet("several, by linear programming (zero-sum): distance to the nearest", None, payoffs, value)


def _undominated(payoffs: np.ndarray) -> list[np.ndarray]:
    """Each seat's actions left by iterated elimination of pure strategies strictly dominated by pure ones."""
    live = [np.ones(payoffs.shape[1], bool), np.ones(payoffs.shape[2], bool)]
    changed = True
    while changed:
        changed = False
        for seat in (0, 1):
            mine = own_payoffs(payoffs, seat)[np.ix_(live[seat], live[1 - seat])]
            alive = np.flatnonzero(live[seat])
            for k, action in enumerate(alive):
                others = np.delete(mine, k, axis=0)
                if len(others) and (others > mine[k] + _TOL).all(axis=1).any():
                    live[seat][action] = False
                    changed = True
                    break
    return live
