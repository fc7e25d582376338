"""Exact solutions of small games: the solver player and the solver move-quality evaluator read them."""

from arena.solvers.perfect_play import NotSolvable, Solution, TooLarge, solvable, solve

__all__ = ["NotSolvable", "Solution", "TooLarge", "solvable", "solve"]
