"""Episodes of a round played from a known truth: for the tests and `bench/adaptive.py`, no games, no models.

Player i beats j with the Bradley-Terry probability p of their true Elo difference
(no seat advantage). Draws are commoner between close players: an episode is drawn
with probability 4 s p (1 - p) (s: the draw share between equals, at most 1/2), and
the rest of the probability goes to a win (p - draw/2) or a loss. The expected score,
a draw counting half, is then exactly p, which is what the rating fit estimates: the
truth is a point the fit can hit. A seat-swapped pair's two episodes are drawn
independently (there is no deal for the shared chance seed to repeat).
"""

from __future__ import annotations

import numpy as np

from arena.adaptive.choose import RoundChoice
from arena.adaptive.state import DRAW, LOSS, WIN, Observed


def play_round(choice: RoundChoice, like: Observed, truth_elo: np.ndarray, rng: np.random.Generator, *,
               draw_share: float = 0.0) -> Observed:
    """The round's results as counts over `like`'s games and players; `truth_elo` (P,) in their order."""
    if not 0.0 <= draw_share <= 0.5:
        raise ValueError("draw_share must lie in [0, 1/2] for the expected score to stay the Bradley-Terry one")
    game_index = {g: k for k, g in enumerate(like.games)}
    player_index = {p: k for k, p in enumerate(like.players)}
    games, firsts, seconds = [], [], []
    for a in choice.allocations:
        i, j = player_index[a.players[0]], player_index[a.players[1]]
        games += [game_index[a.game]] * a.episodes
        firsts += [i, j] * a.pairs
        seconds += [j, i] * a.pairs
    first, second = np.array(firsts, np.int64), np.array(seconds, np.int64)
    p = 1.0 / (1.0 + 10.0 ** (-(truth_elo[first] - truth_elo[second]) / 400.0))
    draw = 4.0 * draw_share * p * (1.0 - p)
    u = rng.random(len(p))
    outcome = np.where(u < p - draw / 2.0, WIN, np.where(u < p + draw / 2.0, DRAW, LOSS))
    return Observed.empty(like.games, like.players).plus(np.array(games, np.int64), first, second, outcome)
