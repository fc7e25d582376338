"""Iterated prisoner's dilemma (OpenSpiel's python_iterated_prisoners_dilemma).

Both players choose at once each round; a chance node between rounds ends the game with
probability `termination_probability` (0.0 means exactly `max_game_length` rounds). The
state only records a round once both choices are in, so no observation can leak the
opponent's current choice.
"""

from __future__ import annotations

import pyspiel

from arena.games.labels import LabelledRenderer, Move

LABELS = ("cooperate", "defect")
# Payoff to a player for (own choice, opponent's choice); the same table as OpenSpiel's game,
# which a test checks against its returns.
PAYOFF = ((5, 0), (10, 1))


def rounds(state: pyspiel.State) -> list[tuple[int, int]]:
    """(player 0's choice, player 1's choice) for every completed round."""
    choices: tuple[list[int], list[int]] = ([], [])
    for item in state.full_history():
        if item.player in (0, 1):
            choices[item.player].append(item.action)
    return list(zip(*choices, strict=True))


def length_rule(game: pyspiel.Game) -> str:
    params = game.get_parameters()
    stop, cap = params["termination_probability"], params["max_game_length"]
    if stop <= 0:
        return f"The game lasts exactly {cap} rounds."
    return (
        f"After every round the game ends with probability {stop:g} (otherwise another round "
        f"follows), and after {cap} rounds at most; you do not know in advance which round is last."
    )


class PrisonersDilemmaRenderer(LabelledRenderer):
    def rules(self, game: pyspiel.Game) -> str:
        return (
            "Iterated prisoner's dilemma between two players. Each round both players choose at "
            "the same time, without seeing the other's choice, to cooperate or defect. Payoffs per "
            f"round: both cooperate: {PAYOFF[0][0]} each; both defect: {PAYOFF[1][1]} each; one "
            f"defects while the other cooperates: the defector gets {PAYOFF[1][0]}, the cooperator "
            f"{PAYOFF[0][1]}. {length_rule(game)} Your score is the sum of your payoffs over all "
            "rounds; aim for the highest total. After each round you see both choices. "
            "Answer with cooperate or defect."
        )

    def observation(self, state: pyspiel.State, player: int) -> str:
        game = state.get_game()
        params = game.get_parameters()
        done = rounds(state)
        fixed = params["termination_probability"] <= 0
        lines = [f"You are player {player}. {length_rule(game)}"]
        totals = [0, 0]
        if done:
            lines.append("Rounds so far:")
            for i, pair in enumerate(done, start=1):
                you, them = pair[player], pair[1 - player]
                gain = (PAYOFF[you][them], PAYOFF[them][you])
                totals = [totals[0] + gain[0], totals[1] + gain[1]]
                lines.append(
                    f"  round {i}: you {LABELS[you]}, opponent {LABELS[them]} "
                    f"-> you {gain[0]}, opponent {gain[1]}"
                )
        else:
            lines.append("No rounds played yet.")
        lines.append(f"Total so far: you {totals[0]}, opponent {totals[1]}.")
        if state.is_terminal():
            lines.append(f"Game over after {len(done)} round{'s' if len(done) != 1 else ''}.")
        elif state.is_chance_node():
            lines.append(f"Round {len(done)} is finished; waiting to see whether another round follows.")
        else:
            of = f" of {params['max_game_length']}" if fixed else ""
            lines.append(f"Round {len(done) + 1}{of}: choose cooperate or defect.")
        return "\n".join(lines)

    def move(self, state: pyspiel.State, player: int, action: int) -> Move:
        return Move(int(action), LABELS[action], (LABELS[action][0],))
