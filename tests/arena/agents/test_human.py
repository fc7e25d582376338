import io
import random

from arena.agents.base import Turn
from arena.agents.human import HumanAgent
from arena.games import load_game


def turn() -> Turn:
    game = load_game("tic_tac_toe")
    return Turn(game=game, state=game.spiel.new_initial_state(), player=0, rng=random.Random(0), move_number=0)


def scripted(*lines: str):
    """An input function that types `lines` in order, then closes the input like Ctrl-D."""
    queue = list(lines)

    def read(prompt: str) -> str:
        if not queue:
            raise EOFError
        return queue.pop(0)

    return read


def label(action: int, t: Turn | None = None) -> str:
    # Read labels from the renderer so these tests hold for the generic and tailored renderers alike.
    t = t or turn()
    return dict(t.game.renderer.legal_moves(t.state, t.player))[action]


async def play(*lines: str):
    out = io.StringIO()
    decision = await HumanAgent(input_fn=scripted(*lines), out=out).act(turn())
    return decision, out.getvalue()


async def test_label_is_accepted_and_moves_are_shown():
    decision, shown = await play(label(4))
    assert decision.action == 4 and not decision.forfeit
    [attempt] = decision.attempts
    seen = (attempt.action, attempt.label, attempt.legal, attempt.parser_path, attempt.raw_response)
    assert seen == (4, label(4), True, "label", label(4))
    t = turn()
    assert t.game.renderer.observation(t.state, 0) in shown
    assert f"{label(0)} (0)" in shown and f"{label(8)} (8)" in shown


async def test_numeric_id_is_accepted():
    decision, _ = await play("7")
    assert decision.action == 7 and decision.attempts[0].parser_path == "id" and decision.attempts[0].label == label(7)


async def test_bad_entries_are_recorded_and_asked_again():
    decision, shown = await play("banana", "42", "", label(2))
    assert decision.action == 2
    assert [a.legal for a in decision.attempts] == [False, False, True]  # the empty line is not an attempt
    bad_label, bad_id, _ = decision.attempts
    assert bad_label.action is None and "'banana' is not a legal move" in bad_label.error
    assert "42 is not the id of a legal move" in bad_id.error
    assert bad_label.error in shown and bad_id.error in shown


async def test_eof_forfeits_with_an_attempt_saying_so():
    decision, shown = await play("nope")
    assert decision.forfeit and decision.action is None
    assert [a.error for a in decision.attempts][-1] == "input closed" and len(decision.attempts) == 2
    assert "forfeit" in shown.lower()


async def test_illegal_id_of_an_occupied_cell_is_refused():
    game = load_game("tic_tac_toe")
    state = game.spiel.new_initial_state()
    state.apply_action(4)
    t = Turn(game=game, state=state, player=1, rng=random.Random(0), move_number=1)
    agent = HumanAgent(input_fn=scripted("4", label(4), "0"), out=io.StringIO())
    decision = await agent.act(t)
    assert decision.action == 0 and [a.legal for a in decision.attempts] == [False, False, True]
