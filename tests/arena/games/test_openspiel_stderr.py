"""OpenSpiel prints a raw 'OpenSpiel exception: ...' line to the C stderr before it raises; the
arena's own one-line error must be the only thing a user sees."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from arena.games import load_game
from arena.games.registry import UnknownGame
from arena.games.spiel_stderr import openspiel_quiet

ARENA_SCRIPT = Path(sys.executable).with_name("arena")
ARENA = [str(ARENA_SCRIPT)] if ARENA_SCRIPT.exists() else [sys.executable, "-m", "arena.cli"]


def arena(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    env.update(RAY_AUTH_MODE="disabled", COLUMNS="200", XDG_CACHE_HOME=str(cwd / "cache"))  # no answers kept
    return subprocess.run([*ARENA, *args], cwd=cwd, env=env, input="", capture_output=True, text=True, timeout=120)


def only_line(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    return lines[0]


@pytest.mark.parametrize(("param", "says"), [
    ("board_size=abc", "Wrong type for parameter board_size"),
    ("nosuch=1", "Unknown parameter 'nosuch'"),
])
def test_play_with_a_bad_parameter_prints_only_the_clean_line(tmp_path, param, says):
    line = only_line(arena("play", "hex", "-p", param, cwd=tmp_path))
    assert says in line and "OpenSpiel exception" not in line


def test_run_with_a_bad_game_parameter_prints_only_the_clean_line(tmp_path):
    config = tmp_path / "t.yaml"
    config.write_text(textwrap.dedent("""\
        games: [{name: hex, params: {board_size: abc}}]
        players: [{type: random}, {type: random, name: b}]
        """))
    line = only_line(arena("run", str(config), "--override", f"output_dir={tmp_path / 'out'}", cwd=tmp_path))
    assert "board_size" in line and "OpenSpiel exception" not in line


def test_listing_every_game_prints_nothing_to_stderr(tmp_path):
    done = arena("games", "--all", cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == ""
    assert "add_noise" in done.stdout and "quoridor" in done.stdout  # one failed to load, one warned, quietly


def test_a_rejected_load_leaves_nothing_on_the_c_stderr(capfd):
    with pytest.raises(UnknownGame, match="Unknown parameter"):
        load_game("tic_tac_toe", {"nosuch": 1})
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("name", ["shogi", "antichess"])
def test_move_names_of_every_action_leave_nothing_on_the_c_stderr(capfd, name):
    """Shogi's action_to_string raises, and prints, for moves from an empty square; antichess
    prints without raising for moves of no piece."""
    game = load_game(name)
    state, rng = game.spiel.new_initial_state(), random.Random(0)
    for _ in range(3):
        assert game.renderer.vocabulary(state, state.current_player()).names
        state.apply_action(rng.choice(state.legal_actions()))
    assert capfd.readouterr().err == ""


def provoke_an_openspiel_error() -> None:
    """Raise (and print) an OpenSpiel error safely: hex's second stone on an occupied cell fails its check.

    Never provoke one with an out-of-range action: OpenSpiel does not check actions against the board, so
    hex's apply_action(10_000) read 40 kB past its 121-cell board and, where that memory held zeros, wrote a
    stone there (int 2) instead of raising. That write into freed memory later crashed the garbage collector
    of the test run (tests/arena/quality episodes) now and then."""
    state = load_game("hex").spiel.new_initial_state()
    state.apply_action(0)
    state.apply_action(0)


def test_other_output_on_the_c_stderr_is_kept(capfd):
    with openspiel_quiet() as quiet:
        os.write(2, b"before\n")
        try:
            provoke_an_openspiel_error()
        except Exception as e:  # noqa: BLE001 - pyspiel.SpielError
            quiet.handled(e)
        os.write(2, b"after\n")
    assert capfd.readouterr().err == "before\nafter\n"


def test_provoking_an_openspiel_error_is_memory_safe():
    """Thousands of times in a child process, each one raising. The apply_action(10_000) this replaced fails here
    within a few tries: it returns without raising (it wrote out of bounds), or the child crashes."""
    script = textwrap.dedent(f"""\
        import sys
        import pyspiel
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_openspiel_stderr import provoke_an_openspiel_error
        for _ in range(3000):
            try:
                provoke_an_openspiel_error()
            except pyspiel.SpielError:
                continue
            sys.exit("no error raised")
        """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, (done.returncode, done.stderr[-500:])
