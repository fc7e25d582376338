"""Golden transcripts: what the players of each tailored game see for a fixed script.

Every game in the registry's TAILORED needs a script here and a file in golden/; a test fails otherwise.

Regenerate after an intended change with
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/arena/games/test_golden.py
and read the diff: the files are meant to be checked by eye.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyspiel
import pytest

from arena.games import load_game, registry

GOLDEN = Path(__file__).parent / "golden"

# Per game: parameters and a script. A step is a move label for the player to move, a tuple
# of labels (one per player) at a simultaneous node, or OpenSpiel's string for a chance outcome.
SCRIPTS: dict[str, tuple[dict, list]] = {
    "tic_tac_toe": ({}, ["a1", "b1", "b2", "c1", "c3"]),
    "connect_four": ({}, ["4", "4", "3", "3", "5", "5", "6"]),
    "kuhn_poker": ({}, ["Deal:2", "Deal:1", "pass", "bet", "bet"]),
    "prisoners_dilemma": (
        {"termination_probability": 0.0, "max_game_length": 3},
        [("cooperate", "defect"), "CONTINUE", ("defect", "defect"), "CONTINUE", ("cooperate", "cooperate"), "CONTINUE"],
    ),
    "matrix_pd": ({}, [("cooperate", "defect")]),
    "matching_pennies": ({}, [("heads", "tails")]),
    "matrix_rps": ({}, [("rock", "scissors")]),
    "hex": ({"board_size": 5}, ["c1", "a1", "c2", "b2", "c3", "d3", "c4", "a4", "c5"]),
    "chess": ({}, ["e2e4", "e7e5", "f1c4", "b8c6", "d1h5", "g8f6", "h5f7"]),
}


def _chance(state: pyspiel.State, text: str) -> int:
    by_name = {state.action_to_string(pyspiel.PlayerId.CHANCE, a): a for a, _ in state.chance_outcomes()}
    return by_name[text]


def _view(game, state: pyspiel.State, player: int) -> list[str]:
    labels = " ".join(label for _, label in game.renderer.legal_moves(state, player))
    return [f"--- player {player} sees ---", game.renderer.observation(state, player), f"--- legal: {labels}"]


def transcript(name: str) -> str:
    params, script = SCRIPTS[name]
    game = load_game(name, params)
    state = game.spiel.new_initial_state()
    out = [f"# {game.key}", "=== rules ===", game.renderer.rules(game.spiel)]
    for step, move in enumerate(script, start=1):
        if state.is_chance_node():
            out.append(f"=== step {step}: chance {move} ===")
            state.apply_action(_chance(state, move))
        elif state.is_simultaneous_node():
            out.append(f"=== step {step}: simultaneous ===")
            for p in range(game.num_players):
                out += _view(game, state, p)
            actions = [game.renderer.parse(state, p, label) for p, label in enumerate(move)]
            assert None not in actions, move
            out.append(">>> " + ", ".join(f"player {p} plays {label}" for p, label in enumerate(move)))
            state.apply_actions(actions)
        else:
            player = state.current_player()
            out.append(f"=== step {step}: player {player} to move ===")
            out += _view(game, state, player)
            action = game.renderer.parse(state, player, move)
            assert action is not None, move
            out.append(f">>> player {player} plays {move}")
            state.apply_action(action)
    assert state.is_terminal(), f"{name}: the script should finish the game"
    out.append(f"=== end: returns {[float(r) for r in state.returns()]} ===")
    for p in range(game.num_players):
        out += [f"--- player {p} sees ---", game.renderer.observation(state, p)]
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("name", sorted(registry.TAILORED))
def test_golden_transcript(name: str) -> None:
    assert name in SCRIPTS, f"tailored game {name} has no golden script: add one to SCRIPTS, then run with UPDATE_GOLDEN=1"
    path = GOLDEN / f"{name}.txt"
    text = transcript(name)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"missing {path}; run with UPDATE_GOLDEN=1"
    assert text == path.read_text(), f"{name} changed; if intended, regenerate with UPDATE_GOLDEN=1"


def test_every_tailored_game_has_a_golden_transcript_and_no_other() -> None:
    on_disk = {path.stem for path in GOLDEN.glob("*.txt")}
    assert sorted(set(registry.TAILORED) - on_disk) == [], "tailored games without a golden transcript"
    assert sorted(on_disk - set(registry.TAILORED)) == [], "golden transcripts of no tailored game"
    assert sorted(set(SCRIPTS) - set(registry.TAILORED)) == [], "scripts of no tailored game"
