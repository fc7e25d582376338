"""`arena play` as a person meets it: a real pseudo-terminal, moves typed, the screen read back."""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pexpect

ARENA = Path(sys.executable).with_name("arena")
TIMEOUT_S = 30
PROMPT = r"Your move[^\n]*: "
RESULT = r"(You won|You lost|Draw)[^\n]*\r?\n"
CELLS = [f"{c}{r}" for r in "123" for c in "abc"]


def spawn(*args: str, cwd: Path) -> pexpect.spawn:
    env = {**os.environ, "COLUMNS": "200", "RAY_AUTH_MODE": "disabled"}
    child = pexpect.spawn(str(ARENA), ["play", *args], cwd=str(cwd), env=env, encoding="utf-8",
                          timeout=TIMEOUT_S, dimensions=(50, 200))
    child.logfile_read = _Screen()
    return child


class _Screen:
    """Everything the person saw, for assertions over the whole session."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, data: str) -> None:
        self.text += data

    def flush(self) -> None:
        pass


def screen(child: pexpect.spawn) -> str:
    return child.logfile_read.text.replace("\r\n", "\n")


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus is None, "killed by a signal instead of exiting"
    return child.exitstatus


def assert_abandoned(child: pexpect.spawn) -> None:
    child.expect("Game abandoned")
    assert finish(child) == 130
    text = screen(child)
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text[-2000:]
    assert text.rsplit("^C", 1)[1].strip() == "Game abandoned.", text[-500:]  # nothing more after the Ctrl-C


def test_tic_tac_toe_to_the_end_announces_every_opponent_move_and_shows_the_final_board(tmp_path):
    child = spawn("tic_tac_toe", "--vs", "random", cwd=tmp_path)
    taken: set[str] = set()
    mine: list[str] = []
    theirs: list[str] = []
    while True:
        i = child.expect([r"Opponent \(O\) plays ([a-c][1-3])\r?\n", PROMPT, RESULT])
        if i == 0:
            theirs.append(child.match.group(1))
            taken.add(theirs[-1])
        elif i == 1:
            move = next(c for c in CELLS if c not in taken)
            mine.append(move)
            taken.add(move)
            child.sendline(move)
        else:
            result = child.match.group(0).strip()
            break
    assert finish(child) == 0
    text = screen(child)
    assert re.fullmatch(r"(You won|You lost|Draw)\.", result), result
    assert text.rstrip().endswith(result)
    # The final position is on screen after the last move, whoever made it.
    final = text[text.rindex(PROMPT[:9]):]
    board = re.search(r"    a b c\n  1 (.*)\n  2 (.*)\n  3 (.*)\n", final.split("\n", 1)[1])
    assert board, final
    marks = " ".join(board.groups())
    assert marks.count("X") == len(mine) and marks.count("O") == len(theirs)
    assert "Game over" in final
    for cell, mark in [(c, "X") for c in mine] + [(c, "O") for c in theirs]:
        row, col = int(cell[1]), "abc".index(cell[0])
        assert board.group(row).split()[col] == mark, (cell, board.groups())
    assert "np.float64" not in text and "Returns by seat" not in text


def test_chess_takes_san_and_uci_and_ctrl_c_abandons(tmp_path):
    child = spawn("chess", "--vs", "random", "--side", "white", cwd=tmp_path)
    child.expect(PROMPT)
    shown = child.before
    assert not re.search(r"\b\d{3,4}\b", shown.split("Legal moves", 1)[1]), "action ids shown to a person"
    assert re.search(r"Legal moves[^\n]*:.*\bNf3\b", shown), "legal moves are listed in SAN"
    child.sendline("e4")  # SAN
    child.expect(r"Opponent \(Black\) plays ([a-hNBRQKO][^\s]*)\r?\n")
    reply = child.match.group(1)
    child.expect(PROMPT)
    assert f"1. e4 {reply}" in child.before
    child.sendline("g1f3")  # UCI
    child.expect(r"Opponent \(Black\) plays (\S+)\r?\n")
    child.expect(PROMPT)
    assert "2. Nf3" in child.before
    child.sendintr()
    assert_abandoned(child)


def test_chess_bad_entries_get_a_one_line_hint_and_the_prompt_again(tmp_path):
    child = spawn("chess", "--vs", "random", cwd=tmp_path)
    child.expect(PROMPT)
    for bad in ("e5", "2426", "zz"):  # illegal for White here, an action id, not a move at all
        child.sendline(bad)
        child.expect(PROMPT)
        lines = [line for line in child.before.replace("\r\n", "\n").split("\n") if line.strip()]
        assert lines[0] == bad and len(lines) == 2, lines  # the echo, then one line of hint
        assert f"'{bad}'" in lines[1] and "legal" in lines[1], lines
    child.sendline("e7e8q")  # well-formed UCI, illegal here
    child.expect(PROMPT)
    child.sendline("Nf3")
    child.expect(r"Opponent \(Black\) plays \S+\r?\n")
    child.expect(PROMPT)
    assert "1. Nf3" in child.before
    child.sendintr()
    assert_abandoned(child)


def test_ctrl_c_at_the_first_prompt(tmp_path):
    child = spawn("tic_tac_toe", "--vs", "random", cwd=tmp_path)
    child.expect(PROMPT)
    child.sendintr()
    assert_abandoned(child)


def test_ctrl_c_while_the_opponent_thinks(tmp_path):
    # MCTS moves first and searches long: the interrupt lands during its search.
    child = spawn("connect_four", "--vs", "mcts:simulations=100000", "--side", "o", cwd=tmp_path)
    child.expect("You play seat 1")
    time.sleep(0.3)  # into its first search, which takes a second or so
    child.sendintr()
    assert_abandoned(child)
    assert "Your move" not in screen(child)  # the game ended before the person's first turn


def test_kuhn_poker_result_line_has_plain_chip_numbers(tmp_path):
    child = spawn("kuhn_poker", "--vs", "random", cwd=tmp_path)
    while True:
        i = child.expect([PROMPT, RESULT])
        if i == 1:
            break
        child.sendline("bet")
    line = child.match.group(0).strip()
    m = re.fullmatch(r"(You won|You lost)\. Score: you (-?\d+), opponent (-?\d+)\.", line)
    assert m, line
    assert int(m.group(2)) == -int(m.group(3)) and abs(int(m.group(2))) in (1, 2)
    assert finish(child) == 0
    text = screen(child)
    assert re.search(r"Opponent \(player 1\) plays (pass|bet)\n", text)  # it always answers the opening bet
    assert "np.float64" not in text and ".0," not in line


def test_prisoners_dilemma_scores_are_plain_numbers(tmp_path):
    child = spawn("prisoners_dilemma", "--vs", "random", cwd=tmp_path)
    while True:
        i = child.expect([PROMPT, RESULT])
        if i == 1:
            break
        child.sendline("cooperate")
    line = child.match.group(0).strip()
    assert re.fullmatch(r"(You won|You lost|Draw)\. Score: you \d+, opponent \d+\.", line), line
    assert finish(child) == 0
    text = screen(child)
    assert "np.float64" not in text
    # Each round's choice by the opponent is told only after the person made theirs.
    rounds = text.count("Your move: ")
    assert len(re.findall(r"Your move: cooperate\nOpponent \(player 1\) plays (?:cooperate|defect)\n", text)) == rounds


def test_side_by_name_the_opponent_opens_and_is_announced(tmp_path):
    child = spawn("tic_tac_toe", "--vs", "random", "--side", "O", cwd=tmp_path)
    child.expect(r"You play seat 1 \(O\)\.\r?\n")
    child.expect(r"Opponent \(X\) plays ([a-c][1-3])\r?\n")
    opening = child.match.group(1)
    child.expect(PROMPT)
    assert "You are O (player 1). It is your turn." in child.before and f"Moves so far: X {opening}" in child.before
    child.sendintr()
    assert_abandoned(child)
