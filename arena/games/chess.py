"""Chess: moves are labelled in UCI (e2e4, e7e8q); SAN (e4, Nf3, O-O) is accepted too.

OpenSpiel's chess makes player 0 Black and player 1 White, and its action strings are SAN.
UCI comes from `pyspiel.chess.action_to_move(...).to_lan()`.

The moves that exist, for finding the one an answer names last, are too many to list
(every from-to pair, every SAN spelling), so `MOVE_TOKEN` recognises every well-formed
move token instead, legal or not: UCI and long algebraic (e2e4, e2-e4, Ng1-f3, e7e8q),
SAN (Nf3, Nbd7, R1e2, exd5, e8=Q, Qh5+, O-O-O, 0-0), with check marks and annotations.
A bare square (e4) is a pawn move in SAN but just as often only a square, so it is
marked weak (`SQUARE_TOKEN`).
"""

from __future__ import annotations

import re

import pyspiel

from arena.games.base import MoveVocabulary
from arena.games.labels import LabelledRenderer, Move, clean, result_line

COLOURS = ("Black", "White")  # indexed by OpenSpiel player id
RECENT_PLIES = 20

_SQ = "[a-h][1-8]"
_PROMO = "(?:=?[qrbn])?"
MOVE_TOKEN = re.compile(
    "(?:"
    "o-o-o|o-o|0-0-0|0-0"  # castling
    f"|[kqrbnp]?{_SQ}[-x:]?{_SQ}{_PROMO}"  # UCI and long algebraic
    f"|[kqrbn][a-h]?[1-8]?x?{_SQ}"  # SAN piece moves, with disambiguation and capture
    f"|[a-h]x{_SQ}{_PROMO}"  # SAN pawn captures
    f"|{_SQ}{_PROMO}"  # SAN pawn pushes (and plain squares)
    ")[+#]?[!?]*",
    re.IGNORECASE,
)
SQUARE_TOKEN = re.compile(_SQ, re.IGNORECASE)
_LONG = re.compile(f"([KQRBNP]?)({_SQ})[-x:]?({_SQ})(?:=?([QRBNqrbn]))?")


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

    def human_moves(self, state: pyspiel.State, player: int) -> tuple[str, list[tuple[int, str]]]:
        """The legal moves for a person at the terminal: in SAN, which players read more easily
        than UCI, pawn moves first and then by piece, as a board shows them."""
        sans = [(action, state.action_to_string(player, action)) for action in state.legal_actions(player)]
        order = "abcdefghNBRQKO"
        return "Legal moves (SAN; UCI such as e2e4 works too)", sorted(sans, key=lambda m: (order.find(m[1][0]), m[1]))

    def parse(self, state: pyspiel.State, player: int, text: str) -> int | None:
        found = super().parse(state, player, text)
        if found is None:  # models often get the check mark or an annotation wrong
            bare = clean(text).rstrip("+#!?")
            found = super().parse(state, player, bare) if bare else None
            if found is None and bare:
                found = self._long_algebraic(state, player, bare)
        return found

    def vocabulary(self, state: pyspiel.State, player: int) -> MoveVocabulary:
        names = [name for m in self.moves(state, player) for name in (m.label, *m.aliases)]
        return MoveVocabulary(names=tuple(dict.fromkeys(names)), pattern=MOVE_TOKEN, weak=SQUARE_TOKEN)

    def _long_algebraic(self, state: pyspiel.State, player: int, text: str) -> int | None:
        """Ng1-f3, Ng1f3, e2xe4, e7-e8=Q: the UCI move, when the named piece stands on the
        from-square (a piece letter is upper case, as in SAN)."""
        m = _LONG.fullmatch(text)
        if m is None:
            return None
        piece, start, end, promo = m.groups()
        if piece:
            board = {}
            for i, rank in enumerate(str(state).split()[0].split("/")):
                row = "".join("." * int(c) if c.isdigit() else c for c in rank)
                board.update({f"{'abcdefgh'[f]}{8 - i}": p for f, p in enumerate(row)})
            if board.get(start, ".").upper() != piece:
                return None
        return super().parse(state, player, f"{start}{end}{(promo or '').lower()}")
