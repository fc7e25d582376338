"""Exact values of two-player zero-sum (or constant-sum) games of perfect information, by exhaustive search.

Decision nodes take the mover's best move, chance nodes the expectation over their listed outcomes
(expectimax). Values are expected final returns in the game's own units, so a tic-tac-toe position is
1 (won), 0 (drawn) or -1 (lost) for the player to move.

Positions are keyed by (str(state), player to move). That is enough where the text shows everything the
rest of the game depends on: tic-tac-toe, connect four and hex print the whole board, and on a board
where stones are only ever added, two move orders that reach the same board have the same legal moves
and the same futures; the player is part of the key because a text need not say whose turn it is. It is
not enough where the future depends on history the text leaves out: chess draws by threefold repetition,
which its FEN cannot show (chess is refused as far too large anyway), and games whose end depends on a
move count that is not printed. Where such a game revisits a key along one line of play (pig's text
repeats whenever both players roll a one), the search detects the cycle and refuses the game rather
than give wrong values; one whose hidden history matters without a key ever repeating along a line
would be solved wrongly, and none of the tailored games is such a game.

The search is iterative (an explicit stack), so a game's depth is bounded by memory, not by Python's
recursion limit. Solutions are cached per process by the game's text and the limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import pyspiel

from arena.solvers.size_floors import size_floor

Key = tuple[str, int]
"""(str(state), current player) of a position."""

_TOLERANCE = 1e-9


class TooLarge(ValueError):
    """The game has more positions than the solver was allowed to visit."""


class NotSolvable(ValueError):
    """The game is outside the class the solver handles (or its positions repeat)."""


def key_of(state: pyspiel.State) -> Key:
    return str(state), state.current_player()


class Solution:
    """The value of every position reachable from the start, under perfect play by both sides."""

    def __init__(self, values: dict[Key, float], utility_sum: float) -> None:
        self._values = values  # player 0's value; player 1's is utility_sum minus it
        self._sum = utility_sum
        self._moves: dict[Key, Mapping[int, float]] = {}

    @property
    def size(self) -> int:
        """Distinct positions solved."""
        return len(self._values)

    @property
    def draw_value(self) -> float:
        """What each player gets from a draw: above it a player wins, below it loses."""
        return self._sum / 2

    def value(self, state: pyspiel.State, player: int | None = None) -> float:
        """The value of `state` for `player` (default: the player to move, which a chance or
        terminal position does not have)."""
        if player is None:
            player = state.current_player()
            if player < 0:
                raise ValueError("a chance or terminal position has no player to move; name the player")
        return self._for(player, self._lookup(key_of(state)))

    def move_values(self, state: pyspiel.State) -> Mapping[int, float]:
        """Value of every legal action for the player to move, from that player's point of view.

        Computed once per position and shared afterwards: read-only.
        """
        return self.move_values_at(key_of(state), state)

    def move_values_at(self, key: Key, state: pyspiel.State) -> Mapping[int, float]:
        """`move_values` for a caller that already has the position's key."""
        cached = self._moves.get(key)
        if cached is None:
            player = key[1]
            cached = MappingProxyType({
                a: self._for(player, self._lookup(key_of(state.child(a)))) for a in state.legal_actions()
            })
            self._moves[key] = cached
        return cached

    def best_actions(self, state: pyspiel.State) -> list[int]:
        """The optimal legal actions, in ascending order."""
        values = self.move_values(state)
        best = max(values.values())
        return sorted(a for a, v in values.items() if v >= best - _TOLERANCE)

    def _for(self, player: int, value0: float) -> float:
        return value0 if player == 0 else self._sum - value0

    def _lookup(self, key: Key) -> float:
        try:
            return self._values[key]
        except KeyError:
            raise KeyError(f"position not reached from the start of the solved game: {key[0]!r}") from None


_CACHE: dict[tuple[str, int], Solution | TooLarge | NotSolvable] = {}


def solve(spiel_game: pyspiel.Game, max_states: int) -> Solution:
    """The game's solution; TooLarge beyond `max_states` distinct positions, NotSolvable outside the class.

    Cached per process, failures included, so a config check and the players that follow share one search.
    """
    cache_key = (str(spiel_game), max_states)
    found = _CACHE.get(cache_key)
    if found is None:
        try:
            found = _search(spiel_game, max_states)
        except (TooLarge, NotSolvable) as e:
            found = e
        _CACHE[cache_key] = found
    if isinstance(found, Solution):
        return found
    raise type(found)(str(found))


def solvable(spiel_game: pyspiel.Game, max_states: int) -> str | None:
    """Why the game cannot be solved within `max_states` positions, or None when it can.

    Games outside the class and games known to be far too large are answered at once; the rest are
    solved (and so cached for the players that follow).
    """
    why = _outside_class(spiel_game)
    if why:
        return f"{_name(spiel_game)} cannot be solved: {why}; choose another player"
    try:
        solve(spiel_game, max_states)
    except (TooLarge, NotSolvable) as e:
        return str(e)
    return None


def _name(spiel_game: pyspiel.Game) -> str:
    return str(spiel_game).removesuffix("()")


def _outside_class(spiel_game: pyspiel.Game) -> str | None:
    kind = spiel_game.get_type()
    if spiel_game.num_players() != 2:
        return f"it has {spiel_game.num_players()} players and the solver handles two"
    if kind.dynamics != pyspiel.GameType.Dynamics.SEQUENTIAL:
        return "its players move simultaneously, so there is no best move without guessing the other's"
    if kind.information != pyspiel.GameType.Information.PERFECT_INFORMATION:
        return "it hides information from the players, which needs an equilibrium, not a search"
    if kind.utility not in (pyspiel.GameType.Utility.ZERO_SUM, pyspiel.GameType.Utility.CONSTANT_SUM):
        return "it is not zero-sum, so one player's best is not the other's worst"
    if kind.chance_mode == pyspiel.GameType.ChanceMode.SAMPLED_STOCHASTIC:
        return "its chance events are sampled without listed probabilities"
    return None


def _too_large(spiel_game: pyspiel.Game, max_states: int, floor: int = 0) -> TooLarge:
    many = f"at least {_count(floor)} positions, more than max_states={max_states}" if floor else (
        f"more than max_states={max_states} positions")
    return TooLarge(f"{_name(spiel_game)} has {many}; raise max_states or choose another player")


def _count(n: int) -> str:
    return f"{n:,}" if n < 10**9 else f"{n:.1e}"


def _search(spiel_game: pyspiel.Game, max_states: int) -> Solution:
    why = _outside_class(spiel_game)
    if why:
        raise NotSolvable(f"{_name(spiel_game)} cannot be solved: {why}; choose another player")
    floor = size_floor(spiel_game)
    if floor > max_states:
        raise _too_large(spiel_game, max_states, floor)
    values: dict[Key, float] = {}
    # Expanded positions waiting for their children's values: exactly the ancestors of the top of the
    # stack, since every subtree is finished before its next sibling is expanded.
    waiting: dict[Key, list[tuple[float, Key]]] = {}
    root = spiel_game.new_initial_state()
    stack: list[tuple[Key, pyspiel.State]] = [(key_of(root), root)]
    while stack:
        key, state = stack[-1]
        if key in values:
            stack.pop()
            continue
        children = waiting.pop(key, None)
        if children is not None:  # second visit: every child has its value
            values[key] = _combine(key[1], children, values)
            stack.pop()
            continue
        if len(values) + len(waiting) >= max_states:
            raise _too_large(spiel_game, max_states)
        if state.is_terminal():
            values[key] = state.returns()[0]
            stack.pop()
            continue
        outcomes = state.chance_outcomes() if state.is_chance_node() else [(a, 1.0) for a in state.legal_actions()]
        children = []
        for action, weight in outcomes:
            child = state.child(action)
            child_key = key_of(child)
            children.append((weight, child_key))
            if child_key in waiting or child_key == key:
                raise NotSolvable(f"{_name(spiel_game)} cannot be solved: its positions repeat (the same text "
                                  "recurs along one line of play); choose another player")
            if child_key not in values:
                stack.append((child_key, child))
        waiting[key] = children
    return Solution(values, spiel_game.utility_sum())


def _combine(player: int, children: list[tuple[float, Key]], values: dict[Key, float]) -> float:
    """Player 0's value of a position from its children's: an expectation at chance nodes, else the
    mover's best (player 1 minimises player 0's value, which in a constant-sum game is the same)."""
    if player == pyspiel.PlayerId.CHANCE:
        return sum(p * values[k] for p, k in children)
    child_values = [values[k] for _, k in children]
    return max(child_values) if player == 0 else min(child_values)
