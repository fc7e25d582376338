"""Lichess's judgement of one chess move from the evaluations before and after it.

Sources (lichess-org): scalachess `core/src/main/scala/eval.scala` (WinPercent, winningChances, the
1000 cp ceiling), lila `modules/analyse/src/main/AccuracyPercent.scala` (move accuracy) and lila
`modules/tree/src/main/Advice.scala` (inaccuracy, mistake, blunder). Evaluations are from the
mover's point of view, in centipawns, or a mate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

WIN_MULTIPLIER = -0.00368208  # lila PR 11148: fitted to the results of rated games by evaluation
CEILING = 1000  # centipawns: scalachess caps an evaluation here before turning it into win%, a mate counts as this
JUDGEMENTS = ((0.3, "blunder"), (0.2, "mistake"), (0.1, "inaccuracy"))
"""Drop in winning chances (on lichess's -1..+1 scale, i.e. 15, 10, 5 points of win%) and its judgement."""


@dataclass(frozen=True, slots=True)
class Eval:
    """An evaluation for the mover: centipawns (uncapped, as the engine said it), or a mate.

    `mate` > 0: the mover mates; < 0: the mover is mated; `cp` is None then.
    """

    cp: int | None = None
    mate: int | None = None

    def capped(self, cap: int = CEILING) -> int:
        """Centipawns within ±cap; a mate is ±cap."""
        if self.mate is not None:
            return cap if self.mate > 0 else -cap
        assert self.cp is not None
        return max(-cap, min(cap, self.cp))


def winning_chances(cp: float) -> float:
    """-1 (lost) .. +1 (won) from centipawns."""
    return max(-1.0, min(1.0, 2 / (1 + math.exp(WIN_MULTIPLIER * cp)) - 1))


def win_percent(cp: float) -> float:
    """0 .. 100: 50 + 50 * winning chances."""
    return 50 + 50 * winning_chances(cp)


def move_accuracy(win_before: float, win_after: float) -> float:
    """Lichess's accuracy of one move in percent, from the mover's win% before and after it.

    103.1668 * exp(-0.04354 * drop) - 3.1669, plus lila's one-point "uncertainty bonus", within 0..100;
    100 when the move does not lower the win%.
    """
    if win_after >= win_before:
        return 100.0
    raw = 103.1668100711649 * math.exp(-0.04354415386753951 * (win_before - win_after)) - 3.166924740191411
    return max(0.0, min(100.0, raw + 1))


def judgement(before: Eval, after: Eval) -> str | None:
    """inaccuracy | mistake | blunder as lichess's Advice gives it, None for a move it does not flag.

    Two centipawn evaluations: by the drop in winning chances. A mate on either side: a mate the mover
    walks into, or a mate it lets go, judged by how good the centipawn side of the pair was.
    """
    if before.cp is not None and after.cp is not None:
        drop = winning_chances(before.cp) - winning_chances(after.cp)
        return next((name for threshold, name in JUDGEMENTS if drop >= threshold), None)
    if before.mate is None and after.mate is not None and after.mate < 0:  # mate created against the mover
        cp = before.cp or 0
        return "inaccuracy" if cp < -999 else "mistake" if cp < -700 else "blunder"
    if before.mate is not None and before.mate > 0 and (after.mate is None or after.mate < 0):  # mate lost
        cp = after.cp or 0
        return "inaccuracy" if cp > 999 else "mistake" if cp > 700 else "blunder"
    return None
