"""python-chess's piece artwork for the replay viewer, written at report time from the installed python-chess.

The viewer's boards.js draws a chess position's pieces as `<use href="#white-knight">` references; the artwork they
refer to is `chess.svg.PIECES`, one `<g id="white-knight">` fragment per piece. `write_chess_pieces` puts all twelve
into a script, `chess_pieces.js`, that sets `window.ARENA_CHESS_PIECES` to one hidden `<svg>` holding them in its
`<defs>`; boards.js adds that to the page once, so that every board refers to the same twelve drawings instead of
carrying its own copy. The artwork stays python-chess's, never copied into the project.
"""

from __future__ import annotations

import json
from pathlib import Path

import chess.svg

FILE_NAME = "chess_pieces.js"


def pieces_svg() -> str:
    """An invisible `<svg>` whose `<defs>` hold python-chess's twelve pieces, each a `<g>` with its id."""
    defs = "".join(chess.svg.PIECES[symbol] for symbol in sorted(chess.svg.PIECES))
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0" focusable="false"><defs>{defs}</defs></svg>'


def write_chess_pieces(folder: Path) -> Path:
    """Writes `folder/chess_pieces.js` (the artwork as `window.ARENA_CHESS_PIECES`) and returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAME
    # json.dumps escapes every non-ASCII character, so the string is also valid JavaScript, whatever it holds.
    path.write_text(f"window.ARENA_CHESS_PIECES = {json.dumps(pieces_svg())};\n", encoding="utf-8")
    return path
