"""Chess: moves are labelled in UCI (e2e4, e7e8q); SAN (e4, Nf3, O-O) is accepted too.

OpenSpiel's chess makes player 0 Black and player 1 White, and its action strings are SAN.
UCI comes from `pyspiel.chess.action_to_move(...).to_lan()`.
"""

from __future__ import annotations

import pyspiel

from arena.games.labels import LabelledRenderer, Move, clean, result_line

COLOURS = ("Black", "White")  # indexed by OpenSpiel player id
RECENT_PLIES = 20


def draw(fen: str) -> str:
    placement = fen.split()[0]
    files = "  a b c d e f g h"
    lines = [files]
    for i, rank in enumerate(placement.split("/")):
        squares = "".join("." * int(c) if c.isdigit() else c for c in rank)
        lines.append(f"{8 - i} {' '.join(squares)} {8 - i}")
    return "\n".join([*lines, files])


def san_history(state: pyspiel.State) -> tuple[str, list[str]]:
    """The FEN the game started from and every move since, in SAN."""
    replay = state.get_game().new_initial_state()
    start, sans = str(replay), []
    for action in state.history():
        if replay.is_chance_node():  # chess960 draws its start position first
            replay.apply_action(action)
            start = str(replay)
            continue
        sans.append(replay.action_to_string(replay.current_player(), action))
        replay.apply_action(action)
    return start, sans


def numbered(start_fen: str, sans: list[str], keep: int = RECENT_PLIES) -> str:
    """'1. e4 e5 2. Nf3' style text of the last `keep` plies."""
    fields = start_fen.split()
    first_ply = (int(fields[5]) - 1) * 2 + (fields[1] == "b")
    skip = max(0, len(sans) - keep)
    parts = ["..."] if skip else []
    for i, san in enumerate(sans[skip:], start=first_ply + skip):
        number, black = divmod(i, 2)
        if not black:
            parts.append(f"{number + 1}. {san}")
        elif not parts or parts[-1] == "...":
            parts.append(f"{number + 1}... {san}")
        else:
            parts.append(san)
    return " ".join(parts)


def san_aliases(san: str) -> tuple[str, ...]:
    bare = san.rstrip("+#")
    names = {san, bare, bare.replace("=", "")}
    if bare.startswith("O-O"):
        names.add(bare.replace("O", "0"))
    return tuple(sorted(names))


class ChessRenderer(LabelledRenderer):
    def rules(self, game: pyspiel.Game) -> str:
        return (
            "Chess with the standard rules (castling, en passant, promotion; draws by stalemate, "
            "repetition, the fifty-move rule and insufficient material). Player 1 plays White "
            "(uppercase pieces K Q R B N P) and moves first; player 0 plays Black (lowercase "
            "k q r b n p). The board is shown with rank 8 at the top and files a-h from left to "
            "right, White starting on ranks 1 and 2. Answer with one legal move in UCI notation: "
            "the from-square then the to-square, e.g. e2e4 or g8f6; castling is the king's move "
            "(e1g1); a promotion adds the new piece, e.g. e7e8q. SAN such as e4, Nf3 or O-O is "
            "accepted too."
        )

    def observation(self, state: pyspiel.State, player: int) -> str:
        fen = str(state)
        start, sans = san_history(state)
        case = "uppercase" if player == 1 else "lowercase"
        head = f"You play {COLOURS[player]} ({case} pieces)."
        if state.is_terminal():
            head += " " + result_line(state, player, list(COLOURS))
        elif state.current_player() == player:
            head += " It is your turn."
            if sans and sans[-1].endswith("+"):
                head += " Your king is in check."
        else:
            head += f" It is {COLOURS[state.current_player()]}'s turn; wait."
        history = numbered(start, sans) if sans else "none"
        return "\n".join([head, draw(fen), f"FEN: {fen}", f"Moves so far (SAN): {history}"])

    def moves(self, state: pyspiel.State, player: int) -> list[Move]:
        board = state.board()
        out = []
        for action in state.legal_actions(player):
            uci = pyspiel.chess.action_to_move(action, board).to_lan()
            san = state.action_to_string(player, action)
            dashed = f"{uci[:2]}-{uci[2:]}"
            out.append(Move(action, uci, (*san_aliases(san), dashed)))
        return sorted(out, key=lambda m: m.label)

    def parse(self, state: pyspiel.State, player: int, text: str) -> int | None:
        found = super().parse(state, player, text)
        if found is None:  # models often get the check mark or an annotation wrong
            bare = clean(text).rstrip("+#!?")
            found = super().parse(state, player, bare) if bare else None
        return found
