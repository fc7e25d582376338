import io
import random

from arena.agents.base import Turn
from arena.agents.human import HumanAgent
from arena.games import load_game


def turn(name: str = "tic_tac_toe") -> Turn:
    game = load_game(name)
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


async def play(*lines: str, game: str = "tic_tac_toe"):
    out = io.StringIO()
    decision = await HumanAgent(input_fn=scripted(*lines), out=out).act(turn(game))
    return decision, out.getvalue()


async def test_label_is_accepted_and_moves_are_shown():
    decision, shown = await play(label(4))
    assert decision.action == 4 and not decision.forfeit
    [attempt] = decision.attempts
    seen = (attempt.action, attempt.label, attempt.legal, attempt.parser_path, attempt.raw_response)
    assert seen == (4, label(4), True, "label", label(4))
    t = turn()
    assert t.game.renderer.observation(t.state, 0) in shown
    assert f"Legal moves: {label(0)}, {label(1)}," in shown and "(0)" not in shown  # a tailored game shows no ids


async def test_numeric_id_is_accepted_where_labels_are_openspiel_strings():
    t = turn("nim")
    decision, shown = await play("5", game="nim")
    assert decision.action == 5 and decision.attempts[0].parser_path == "id" and decision.attempts[0].label == label(5, t)
    assert f"{label(5, t)} (5)" in shown


async def test_numeric_id_is_not_a_move_in_a_tailored_game():
    decision, shown = await play("7", label(7))
    assert [a.legal for a in decision.attempts] == [False, True] and decision.action == 7
    assert "'7' is not a legal move" in shown


async def test_bad_entries_are_recorded_and_asked_again():
    t = turn("nim")
    decision, shown = await play("banana", "42", "", label(2, t), game="nim")
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


async def test_illegal_id_of_a_move_made_already_is_refused():
    game = load_game("nim")
    state = game.spiel.new_initial_state()
    state.apply_action(0)  # pile 1 is empty now
    t = Turn(game=game, state=state, player=1, rng=random.Random(0), move_number=1)
    agent = HumanAgent(input_fn=scripted("0", label(0, turn("nim")), "1"), out=io.StringIO())
    decision = await agent.act(t)
    assert decision.action == 1 and [a.legal for a in decision.attempts] == [False, False, True]
