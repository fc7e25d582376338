"""The exact solver: tic-tac-toe in a blink, expectimax over chance, the limit kept to the position, and
one-line refusals for the games it cannot solve."""

import time

import open_spiel.python.games  # noqa: F401 - registers the Python games (iterated prisoner's dilemma)
import pyspiel
import pytest

from arena.solvers import NotSolvable, TooLarge, solvable, solve

TTT = pyspiel.load_game("tic_tac_toe")
TTT_POSITIONS = 5478  # distinct tic-tac-toe positions reachable from the empty board, terminal ones included


def efg_game(tmp_path, text: str) -> pyspiel.Game:
    path = tmp_path / "game.efg"
    path.write_text(text)
    return pyspiel.load_game("efg_game", {"filename": str(path)})


def test_tic_tac_toe_is_a_draw_solved_well_under_a_second():
    started = time.perf_counter()
    solution = solve(TTT, TTT_POSITIONS)  # a limit no other test uses: solved here, not taken from the cache
    assert time.perf_counter() - started < 0.5
    assert solution.size == TTT_POSITIONS
    start = TTT.new_initial_state()
    assert solution.value(start) == 0 and set(solution.move_values(start).values()) == {0}
    assert solve(TTT, TTT_POSITIONS) is solution


def test_one_position_more_than_allowed_is_too_large():
    with pytest.raises(TooLarge, match=r"^tic_tac_toe has more than max_states=5477 positions; raise max_states or "
                                       r"choose another player$"):
        solve(TTT, TTT_POSITIONS - 1)


def test_values_are_the_movers_and_the_only_win_is_found():
    state = TTT.new_initial_state()
    for action in (0, 3, 1, 4):  # x x . / o o . / . . . with x to move
        state.apply_action(action)
    solution = solve(TTT, 1_000_000)
    assert dict(solution.move_values(state)) == {2: 1, 5: 0, 6: -1, 7: -1, 8: -1}
    assert solution.best_actions(state) == [2] and solution.value(state) == 1
    state.apply_action(5)  # x blocked instead; o to move must block at 2 and then it is a draw
    assert solution.value(state) == 0 and solution.value(state, player=0) == 0
    assert solution.best_actions(state) == [2]


def test_chance_nodes_take_the_expectation(tmp_path):
    # Chance: L (1/4) leads to a choice of player 0 between winning 1 and losing 1; R (3/4) to player 1
    # choosing between c (then player 0 takes 3 over -2) and d (0). Player 1 picks d, so the start is worth
    # 1/4 * 1 + 3/4 * 0 to player 0.
    game = efg_game(tmp_path, 'EFG 2 R "chance then choice" { "Max" "Min" } ""\n'
                              'c "C" 1 "" { "L" 1/4 "R" 3/4 } 0\n'
                              'p "" 1 1 "" { "a" "b" } 0\nt "" 1 "" { 1, -1 }\nt "" 2 "" { -1, 1 }\n'
                              'p "" 2 1 "" { "c" "d" } 0\np "" 1 2 "" { "e" "f" } 0\n'
                              't "" 3 "" { 3, -3 }\nt "" 4 "" { -2, 2 }\nt "" 5 "" { 0, 0 }\n')
    solution = solve(game, 100)
    start = game.new_initial_state()
    assert solution.value(start, player=0) == 0.25 and solution.value(start, player=1) == -0.25
    with pytest.raises(ValueError, match="name the player"):
        solution.value(start)
    right = start.child(1)
    assert dict(solution.move_values(right)) == {2: -3, 3: 0}  # player 1's view


def test_a_game_deeper_than_the_recursion_limit(tmp_path):
    # A chain of 3,000 decisions: stop (a draw) or go on; going on to the very end wins for player 0,
    # so player 1 stops at its first turn and the game is worth 0.
    depth = 3000
    lines = ['EFG 2 R "chain" { "A" "B" } ""']
    for k in range(depth):
        lines += [f'p "" {k % 2 + 1} {k // 2 + 1} "" {{ "stop" "go" }} 0', f't "" {k + 1} "" {{ 0, 0 }}']
    lines.append(f't "" {depth + 1} "" {{ 1, -1 }}')
    game = efg_game(tmp_path, "\n".join(lines) + "\n")
    solution = solve(game, 10_000)
    assert solution.size == 2 * depth + 1 and solution.value(game.new_initial_state()) == 0


@pytest.mark.parametrize(("name", "params", "why"), [
    ("kuhn_poker", {}, "hides information"),
    ("matrix_rps", {}, "move simultaneously"),
    ("python_iterated_prisoners_dilemma", {}, "move simultaneously"),
    ("kuhn_poker", {"players": 3}, "it has 3 players"),
    ("pig", {"winscore": 4, "diceoutcomes": 2, "horizon": 6}, "positions repeat"),
])
def test_games_outside_the_class_are_refused_in_one_line(name, params, why):
    game = pyspiel.load_game(name, params)
    reason = solvable(game, 1_000_000)
    assert reason is not None and why in reason and "\n" not in reason and reason.endswith("choose another player")
    with pytest.raises(NotSolvable, match=why):
        solve(game, 1_000_000)


@pytest.mark.parametrize(("name", "params"), [("chess", {}), ("connect_four", {}), ("hex", {"board_size": 5})])
def test_games_known_to_be_huge_are_refused_at_once(name, params):
    started = time.perf_counter()
    reason = solvable(pyspiel.load_game(name, params), 1_000_000)
    assert time.perf_counter() - started < 0.1
    assert reason is not None and "has at least" in reason and "max_states=1000000" in reason


def test_small_games_are_solvable():
    assert solvable(TTT, 1_000_000) is None
    assert solvable(pyspiel.load_game("hex", {"board_size": 3}), 1_000_000) is None
