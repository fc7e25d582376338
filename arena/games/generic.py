"""Fallback renderer for any OpenSpiel game without a tailored one."""

from __future__ import annotations

import pyspiel

from arena.games.base import MoveVocabulary
from arena.games.spiel_stderr import openspiel_quiet

# Above this many distinct actions, naming them all for every decision costs more than it
# is worth (no registered game comes near: dou_dizhu has about 26,000).
MAX_NAMED_ACTIONS = 100_000
# Games on OpenSpiel's chess board: naming an action that is not legal there runs the board's ToSAN on a move
# it cannot make, which reads memory it does not own (valgrind: invalid and uninitialised reads; crazyhouse
# crashes outright). They name their legal moves only.
CHESS_BOARD_GAMES = frozenset({"antichess", "crazyhouse", "dark_chess", "kriegspiel", "rbc"})


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

    def label(self, state: pyspiel.State, player: int, action: int) -> str:
        return dict(self.legal_moves(state, player))[action]

    def vocabulary(self, state: pyspiel.State, player: int) -> MoveVocabulary:
        """OpenSpiel's label of every distinct action, legal or not, plus the legal labels.

        `action_to_string` of an action that is not legal here is best effort: some games
        raise (gin_rummy and tarok outside the phase an action belongs to, shogi for moves
        from an empty square), some print odd text for it (chess variants: 'R`7=R'). An
        action whose label raises is left out, and odd labels are harmless: nobody writes
        them. Where nothing else can be named (every call raises, the game has more than
        MAX_NAMED_ACTIONS actions, or it is played on OpenSpiel's chess board, where naming an
        illegal move reads memory it does not own) the vocabulary is the legal labels alone, and an illegal
        move named last in free text is then not recognised as a move at all."""
        names = dict.fromkeys(label for _, label in self.legal_moves(state, player))
        game = state.get_game()
        count = game.num_distinct_actions()
        if count <= MAX_NAMED_ACTIONS and game.get_type().short_name not in CHESS_BOARD_GAMES:
            # Naming an action that is not legal here makes some games print (chess variants: 'Move
            # doesn't have a piece type') or print and raise: noise about a best-effort guess.
            with openspiel_quiet(keep_other_output=False):
                for action in range(count):
                    try:
                        label = state.action_to_string(player, action)
                    except Exception:  # noqa: BLE001 - pyspiel raises SpielError, IndexError, ...
                        continue
                    if label.strip():
                        names[label] = None
        return MoveVocabulary(names=tuple(names))

    def parse(self, state: pyspiel.State, player: int, text: str) -> int | None:
        wanted = normalise(text)
        for action, label in self.legal_moves(state, player):
            if normalise(label) == wanted:
                return action
        return None
