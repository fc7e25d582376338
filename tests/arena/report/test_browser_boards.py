"""The viewer's board drawings (arena/report/viewer/boards.js) in headless Chromium, on real OpenSpiel states: each
drawing, put into a page, shows the pieces the state text holds and marks the last move; chess uses python-chess's
artwork (chess_pieces.js) and falls back to glyphs without it; text that is no position draws nothing; and each
drawing is a well-formed standalone SVG, read back with xml.etree. The expected pieces are counted from the state
texts here (python-chess reads the chess ones)."""

from __future__ import annotations

import re
import shutil
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import chess
import pyspiel

from arena.report.chess_pieces import write_chess_pieces

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: no package to import from
from browser import assert_no_console_errors  # noqa: E402

VIEWER = Path(__file__).parents[3] / "arena" / "report" / "viewer"
SVG = "{http://www.w3.org/2000/svg}"
MARKS = {"last-move", "lastmove", "chosen"}  # the classes that mark the last move (python-chess's is "lastmove")
DRAWERS = re.findall(r'^\s*\["(\w+)", (?:draw|make)', (VIEWER / "boards.js").read_text(encoding="utf-8"), re.MULTILINE)
"""The games boards.js has a drawer for by name (its DRAWERS map)."""

# Draws into the page's #board and sums up what the browser then holds there.
SHOW = """([game, state, lastMove, earlier]) => {
  const drawing = ArenaBoards.draw(game, state, lastMove, earlier);
  const box = document.getElementById("board");
  box.innerHTML = drawing === null ? "" : drawing;
  const all = (selector) => [...box.querySelectorAll(selector)];
  const pieces = {};
  for (const e of all("[data-piece]")) pieces[e.dataset.piece] = (pieces[e.dataset.piece] || 0) + 1;
  return {
    svg: drawing,
    pieces,
    marked: all(".last-move, .lastmove, .chosen").map((e) => e.getAttribute("class")),
    uses: all("use").map((e) => e.getAttribute("href")),
    cards: all(".card").map((e) => e.textContent),
    texts: all("text").map((e) => e.textContent),
    title: drawing === null ? null : box.querySelector("svg > title").textContent,
  };
}"""


def played(name: str, moves: list, params: dict | None = None) -> str:
    """OpenSpiel's text of `name` after `moves`: action ids, action strings, or lists (a simultaneous move)."""
    if name.startswith("python_"):
        import open_spiel.python.games  # noqa: F401  registers OpenSpiel's Python games
    state = pyspiel.load_game(name, params or {}).new_initial_state()
    for move in moves:
        if isinstance(move, list):
            state.apply_actions(move)
        else:
            state.apply_action(state.string_to_action(move) if isinstance(move, str) else move)
    return str(state)


def open_boards(page: Any, folder: Path, *, artwork: bool = True) -> Any:
    """A page that loads boards.js as the viewer does, with chess_pieces.js written by the report's code or without."""
    shutil.copyfile(VIEWER / "boards.js", folder / "boards.js")
    scripts = '<script src="boards.js"></script>'
    if artwork:
        scripts += f'<script src="{write_chess_pieces(folder).name}"></script>'
    html = folder / "boards.html"
    html.write_text(f'<!doctype html><html><head><meta charset="utf-8"><title>boards</title></head>'
                    f'<body><div id="board"></div>{scripts}</body></html>', encoding="utf-8")
    page.goto(html.as_uri())
    return page


def show(page: Any, game: str, state: Any, last_move: Any = None, earlier: list[str] | None = None) -> dict:
    return page.evaluate(SHOW, [game, state, last_move, earlier])


def xml_summary(svg: str) -> dict:
    """What an SVG string holds, read as XML and counted as SHOW counts what the browser holds."""
    root = ET.fromstring(svg)
    return {"pieces": dict(Counter(e.get("data-piece") for e in root.iter() if e.get("data-piece") is not None)),
            "marked": sum(bool(MARKS & set((e.get("class") or "").split())) for e in root.iter()),
            "uses": sorted(e.get("href") or "" for e in root.iter(f"{SVG}use"))}


def grid_pieces(state: str, pieces: str) -> dict[str, int]:
    """`pieces` counted on the board's rows, the lines led by a rank number."""
    return counted("\n".join(line for line in state.splitlines() if line.strip()[:1].isdigit()), pieces)


def chess_uses(fen: str) -> list[str]:
    """The python-chess artwork each piece of `fen` refers to, sorted: "#white-knight" and so on."""
    return sorted(f"#{'white' if p.color else 'black'}-{chess.piece_name(p.piece_type)}"
                  for p in chess.Board(fen).piece_map().values())


def counted(state: str, chars: str) -> dict[str, int]:
    return {c: state.count(c) for c in chars if state.count(c)}


TTT = played("tic_tac_toe", [4, 0, 8])  # X b2, O a1, X c3
C4 = played("connect_four", [3, 3, 2])
HEX = played("hex", [0, 6, 24], {"board_size": 5})
GO = played("go", [10, 20], {"board_size": 9})  # B b2, W c3
BREAKTHROUGH = played("breakthrough", ["a7a6"])
OTHELLO = played("othello", [19])
RPS = played("matrix_rps", [])
PD = played("python_iterated_prisoners_dilemma", [[0, 1], 0, [1, 1]])

# (game, state, last move, the pieces its text holds, how many marks the last move makes)
POSITIONS = [
    ("tic_tac_toe", TTT, "c3", counted(TTT, "xo"), 1),
    ("phantom_ttt", played("phantom_ttt", [4]), "b2", {"x": 1}, 1),
    ("connect_four", C4, "4", counted(C4, "xo"), 1),
    ("hex", HEX, "e5", counted(HEX, "xo"), 1),
    ("dark_hex", played("dark_hex", [0], {"board_size": 3}), "a1", {"x": 1}, 1),
    ("go", GO, "W c3", counted(GO.split("\n\n", 1)[1], "XO"), 1),
    ("breakthrough", BREAKTHROUGH, "a7a6", grid_pieces(BREAKTHROUGH, "bw"), 2),
    ("checkers", played("checkers", []), None, grid_pieces(played("checkers", []), "o+"), 0),
    ("othello", OTHELLO, "d3", grid_pieces(OTHELLO, "xo"), 1),
    ("clobber", played("clobber", []), None, grid_pieces(played("clobber", []), "xo"), 0),
    ("kuhn_poker", played("kuhn_poker", [0, 2, 1]), "bet", {}, 1),
    ("leduc_poker", played("leduc_poker", [0, 3, 1, 1, 4, 2]), "Raise", {}, 1),
    ("matrix_rps", RPS, "paper", {}, 2),  # the row and the column named Paper
    ("matrix_pd", played("matrix_pd", []), "defect", {}, 2),
    ("matching_pennies", played("matrix_mp", []), "heads", {}, 2),
    ("prisoners_dilemma", PD, "defect", counted(PD.replace("p0", "").replace("p1", ""), "CD"), 0),
]


def test_every_game_draws_the_pieces_of_its_text_and_marks_the_last_move(page, tmp_path):
    open_boards(page, tmp_path)
    # Every game with a drawer by name (chess has a test of its own), and boards drawn by their text's shape.
    assert len(DRAWERS) > 10
    assert set(DRAWERS) <= {game for game, *_ in POSITIONS} | {"chess", "python_iterated_prisoners_dilemma", "matrix_mp"}
    for game, state, last_move, pieces, marks in POSITIONS:
        shown = show(page, game, state, last_move)
        assert shown["svg"] is not None, game
        assert shown["pieces"] == pieces, game
        assert len(shown["marked"]) == marks, game
        assert shown["title"], game
        if marks:
            assert len(show(page, game, state, None)["marked"]) == 0, game
    poker = show(page, "leduc_poker", played("leduc_poker", [0, 3, 1, 1, 4, 2]), "Raise")
    assert poker["cards"] == ["J", "Q", "K"] and {"Pot 6", "Round 1:", "Round 2:", "money 95"} <= set(poker["texts"])
    assert show(page, "kuhn_poker", "0 2 b", "bet")["cards"] == ["J", "K"]
    assert_no_console_errors(page)


def test_drawings_are_well_formed_standalone_svg_holding_what_the_page_shows(page, tmp_path):
    open_boards(page, tmp_path)
    for game, state, last_move, pieces, marks in POSITIONS:
        shown = show(page, game, state, last_move)
        ours = ET.fromstring(shown["svg"])  # well-formed XML, as a standalone .svg file must be
        assert ours.tag == f"{SVG}svg", game
        assert xml_summary(shown["svg"]) == {"pieces": pieces, "marked": marks, "uses": []}, game
    fen = played("chess", ["e4", "e5", "Nf3"])
    assert xml_summary(show(page, "chess", fen, "g1f3")["svg"])["uses"] == chess_uses(fen)


def test_a_finished_matrix_game_takes_its_action_names_from_an_earlier_state(page, tmp_path):
    open_boards(page, tmp_path)
    finished = played("matrix_rps", [[1, 2]])
    assert "Row actions: \n" in finished  # OpenSpiel drops the names once it is over
    shown = show(page, "matrix_rps", finished, "scissors")
    assert {"Rock", "Paper", "Scissors"} <= set(shown["texts"]) and shown["marked"] == ["chosen"]
    stag_hunt = played("matrix_sh", [])  # drawn by its text's shape: no drawer has its name
    over = played("matrix_sh", [[1, 0]])
    assert show(page, "matrix_sh", over)["title"] == "Payoff matrix, 2x2; played: action 1 / action 0"
    named = show(page, "matrix_sh", over, None, [stag_hunt])
    assert named["title"] == "Payoff matrix, 2x2; played: hare / stag"
    assert {"Stag", "Hare"} <= set(named["texts"])
    assert_no_console_errors(page)


def test_chess_draws_python_chess_pieces_the_last_move_and_a_check(page, tmp_path):
    open_boards(page, tmp_path)
    start = show(page, "chess", played("chess", []))
    assert len(start["uses"]) == 32
    assert sum(h.startswith("#white-") for h in start["uses"]) == sum(h.startswith("#black-") for h in start["uses"]) == 16
    start_fen = played("chess", [])
    assert start["pieces"] == dict(Counter(p.symbol() for p in chess.Board(start_fen).piece_map().values()))
    assert sorted(start["uses"]) == chess_uses(start_fen)
    # Each piece refers to python-chess's drawing, there once in the page, and shows at the size of a square.
    sizes = page.evaluate("""() => [...document.querySelectorAll("#board use")].map((u) => {
        const box = u.getBBox(); return [document.querySelectorAll(u.getAttribute("href")).length, box.width, box.height];
    })""")
    assert all(found == 1 and 20 < width <= 45 and 20 < height <= 45 for found, width, height in sizes)
    assert page.locator("#arena-chess-pieces").count() == 1

    state = played("chess", ["e4", "e5", "Nf3"])
    moved = show(page, "chess", state, "g1f3")
    assert sorted(c.split()[-1] for c in moved["marked"]) == ["f3", "g1"]
    assert moved["title"] == "Chess position, Black to move, last move g1f3"
    assert sorted(moved["uses"]) == chess_uses(state)
    assert not show(page, "chess", state, "not a move")["marked"]

    check = played("chess", ["e4", "f5", "Qh5+"])  # 2. Qh5+: Black's king on e8 in check
    checked = page.evaluate("(svg) => { const box = document.getElementById('board'); box.innerHTML = svg; "
                            "const r = box.querySelector('rect.check'); return r && [r.getAttribute('x'), r.getAttribute('y')]; }",
                            show(page, "chess", check, "d1h5")["svg"])
    king = page.evaluate("() => { const r = document.querySelector('#board rect.e8'); return [r.getAttribute('x'), r.getAttribute('y')]; }")
    assert checked == king
    assert page.locator("#arena-chess-pieces").count() == 1  # the artwork goes into the page once
    assert_no_console_errors(page)


def test_chess_without_the_artwork_draws_glyphs(page, tmp_path):
    open_boards(page, tmp_path, artwork=False)
    shown = show(page, "chess", played("chess", ["e4"]), "e2e4")
    assert not shown["uses"]
    assert sum(shown["pieces"].values()) == 32 and shown["pieces"]["P"] == 8
    assert sum(text in "♔♕♖♗♘♙♚♛♜♝♞♟" for text in (t.replace("\ufe0e", "") for t in shown["texts"])) == 32
    assert len(shown["marked"]) == 2
    assert_no_console_errors(page)


def test_text_that_is_no_position_draws_nothing_and_a_new_board_game_draws_as_a_grid(page, tmp_path):
    open_boards(page, tmp_path)
    for game in [*DRAWERS, "some_new_game"]:
        assert show(page, game, "}{ not a position at all ~~ <&>")["svg"] is None, game
        assert show(page, game, "")["svg"] is None, game
    assert show(page, "chess", "rnbqkbnr/pppp")["svg"] is None
    assert show(page, "chess", None)["svg"] is None and show(page, 42, TTT)["svg"] is None
    assert show(page, "tic_tac_toe", TTT, {"not": "a label"})["svg"] is not None

    board = "6..x...\n5.oo...\n4...*..\n3......\n2......\n1......\n abcdef\n\nCurrent player: o\n"
    shown = show(page, "some_new_game", board, "b5")
    assert shown["pieces"] == {"x": 1, "o": 2, "*": 1} and len(shown["marked"]) == 1
    assert shown["title"].startswith("Some new game position, 6x6, 4 pieces")
    assert "= *" in shown["texts"]
    assert show(page, "some_new_game", "Player 0 holds a card.\nPot: 3\n")["svg"] is None

    hostile = show(page, "some_new_game", board, '<script>alert(1)</script>"&')
    assert hostile["title"].endswith('last move <script>alert(1)</script>"&')
    assert page.locator("#board script").count() == 0
    assert_no_console_errors(page)
