"""Fallback renderer for any OpenSpiel game without a tailored one."""

from __future__ import annotations

import pyspiel


def _player_view(state: pyspiel.State, player: int) -> str:
    game_type = state.get_game().get_type()
    if game_type.provides_observation_string:
        return state.observation_string(player)
    if game_type.provides_information_state_string:
        return state.information_state_string(player)
    return str(state)


def normalise(text: str) -> str:
    return " ".join(text.strip().strip("`'\".").lower().split())


class GenericRenderer:
    """Observation string (or state string) and `action_to_string` labels."""

    def rules(self, game: pyspiel.Game) -> str:
        t = game.get_type()
        return (
            f"You are playing the game '{t.long_name}' ({game.num_players()} players). "
            "Choose one of the legal moves listed, by its exact label."
        )

    def observation(self, state: pyspiel.State, player: int) -> str:
        return f"You are player {player}.\nCurrent state:\n{_player_view(state, player)}"

    def legal_moves(self, state: pyspiel.State, player: int) -> list[tuple[int, str]]:
        moves = [(a, state.action_to_string(player, a)) for a in state.legal_actions(player)]
        labels = [label for _, label in moves]
        if len(set(labels)) != len(labels):  # some games reuse labels: make them unique
            moves = [(a, f"{label} [{a}]") for a, label in moves]
        return moves

    def parse(self, state: pyspiel.State, player: int, text: str) -> int | None:
        wanted = normalise(text)
        for action, label in self.legal_moves(state, player):
            if normalise(label) == wanted:
                return action
        return None
