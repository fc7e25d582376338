"""Reports from results DataFrames: leaderboards, pairwise tables, exports, plots, one HTML page."""

from arena.report.tables import (
                                 LEADERBOARD_COLUMNS,
                                 Standings,
                                 UnknownGame,
                                 leaderboard,
                                 pairwise,
                                 pairwise_matrix,
                                 select_game,
                                 standings,
)
from arena.report.terminal import print_leaderboard

__all__ = ["LEADERBOARD_COLUMNS", "Standings", "UnknownGame", "leaderboard", "pairwise", "pairwise_matrix",
           "print_leaderboard", "select_game", "standings"]
