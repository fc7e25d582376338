"""Sides by name (White/Black, X/O) and which seat actually moves first, per game.

Seat numbers are OpenSpiel's player ids, and they do not always say who starts: in
OpenSpiel's chess player 0 is Black and player 1 (White) moves first.
"""

from __future__ import annotations

from arena.games.base import Game

SIDE_NAMES: dict[str, tuple[str, ...]] = {
    "chess": ("black", "white"),
    "hex": ("black", "white"),
    "tic_tac_toe": ("x", "o"),
    "connect_four": ("x", "o"),
}
"""Side names by seat, for games that have them."""
_ALIASES: dict[str, dict[str, int]] = {
    "chess": {"b": 0, "w": 1},
    "hex": {"x": 0, "o": 1},
}


def first_seat(game: Game) -> int | None:
    """The seat that takes the game's first decision (after any opening chance events, taking their
    first outcome), or None when the first decision is simultaneous."""
    state = game.spiel.new_initial_state()
    while state.is_chance_node():
        state.apply_action(state.chance_outcomes()[0][0])
    if state.is_terminal() or state.is_simultaneous_node():
        return None
    return state.current_player()


def describe_sides(game: Game) -> str:
    names = SIDE_NAMES.get(game.name)
    seats = [f"{seat} ({names[seat]})" if names else str(seat) for seat in range(game.num_players)]
    return ", ".join(seats)


def seat_for(game: Game, side: str | None) -> int:
    """The seat a person asked for: a seat number or a side name; None is the side that moves first.
    ValueError (naming the choices) for anything else."""
    if side is None:
        return first_seat(game) or 0
    wanted = side.strip().lower()
    if wanted.isdigit() and int(wanted) < game.num_players:
        return int(wanted)
    names = SIDE_NAMES.get(game.name, ())
    if wanted in names:
        return names.index(wanted)
    if wanted in _ALIASES.get(game.name, {}):
        return _ALIASES[game.name][wanted]
    raise ValueError(f"'{side}' is not a side of {game.name}; choose one of {describe_sides(game)}")
