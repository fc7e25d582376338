"""How many decisions each seat takes in a game, measured once by random-vs-random playouts.

Model players play differently from random ones, so these lengths are a range, not a forecast:
the 10th to 90th percentile of decisions per seat over a few hundred seeded playouts (fewer for a
long game: measuring stops after about half a second). The playouts also keep a few positions
spread over the game, rendered as the prompts a model player would get there, for token counts.
The answer is kept in the user's cache folder, named by the game with its parameters, the move
limit, the prompt version and the OpenSpiel release, like the games catalog (arena/games/catalog.py).
"""

from __future__ import annotations

import hashlib
import json
import random
import statistics
import time
from importlib import metadata

import pyspiel
from pydantic import BaseModel, ConfigDict, Field

from arena.agents.prompts import Messages, build_messages, illegal_move_error, reprompt
from arena.cache import cache_file, read_json, write_json
from arena.games.base import Game
from arena.games.registry import load_game
from arena.games.spiel_stderr import openspiel_quiet

PLAYOUTS = 300
MIN_PLAYOUTS = 20
TIME_LIMIT_S = 0.5
SAMPLED_EPISODES = 6  # of which each gives SAMPLES_PER_EPISODE rendered positions
SAMPLES_PER_EPISODE = 3
SEED = 20240501
_CACHE_VERSION = 1  # bump when what is measured changes


class SamplePrompt(BaseModel):
    """The prompts a model player would get at one position of a playout."""

    model_config = ConfigDict(frozen=True)

    first: Messages = Field(description="Messages of the first attempt at this decision.")
    again: Messages = Field(description="Messages of a second attempt, after one illegal answer.")
    answer: str = Field(description="The shortest well-formed answer here: a JSON object naming the shortest legal move.")


class GameLengths(BaseModel):
    """Decisions per seat in random-vs-random playouts of one game, and sample prompts from them."""

    model_config = ConfigDict(frozen=True)

    game_key: str = Field(description="Game with its parameters, as GameSpec.key.")
    playouts: int = Field(description="Playouts measured.")
    decisions_p10: list[float] = Field(description="Per seat: 10th percentile of its decisions in one episode.")
    decisions_mean: list[float] = Field(description="Per seat: mean decisions in one episode.")
    decisions_p90: list[float] = Field(description="Per seat: 90th percentile of its decisions in one episode.")
    samples: list[SamplePrompt] = Field(description="Prompts at positions spread over a few playouts.")


def game_lengths(name: str, params: dict, max_moves: int | None, prompt_version: str) -> GameLengths:
    """Measured lengths of a game, from the cache when this game was measured before."""
    game = load_game(name, params)
    path = _cache_path(game.key, max_moves, prompt_version)
    kept = read_json(path)
    if kept:
        try:
            return GameLengths.model_validate(kept)
        except ValueError:  # not one this code wrote
            pass
    with openspiel_quiet():
        lengths = measure(game, max_moves, prompt_version)
    write_json(path, lengths.model_dump())
    return lengths


def measure(game: Game, max_moves: int | None, prompt_version: str) -> GameLengths:
    started = time.perf_counter()
    per_seat: list[list[int]] = [[] for _ in range(game.num_players)]
    for i in range(PLAYOUTS):
        if i >= MIN_PLAYOUTS and time.perf_counter() - started > TIME_LIMIT_S:
            break
        for seat, n in enumerate(_playout(game, max_moves, i)):
            per_seat[seat].append(n)
    samples = [s for i in range(min(SAMPLED_EPISODES, len(per_seat[0])))
               for s in _samples(game, max_moves, i, prompt_version)]
    return GameLengths(
        game_key=game.key, playouts=len(per_seat[0]),
        decisions_p10=[_percentile(d, 0.1) for d in per_seat],
        decisions_mean=[statistics.fmean(d) for d in per_seat],
        decisions_p90=[_percentile(d, 0.9) for d in per_seat],
        samples=samples,
    )


def _playout(game: Game, max_moves: int | None, episode: int, visit=None) -> list[int]:
    """Decisions per seat of one seeded random playout; `visit(state, seats, move_number)` sees each decision."""
    rng = random.Random(f"{SEED}:{episode}")
    state, moves = game.spiel.new_initial_state(), 0
    decisions = [0] * game.num_players
    while not state.is_terminal() and (max_moves is None or moves < max_moves):
        if state.is_chance_node():
            actions, probs = zip(*state.chance_outcomes(), strict=True)
            state.apply_action(rng.choices(actions, probs)[0])
            continue
        simultaneous = state.is_simultaneous_node()
        seats = list(range(game.num_players)) if simultaneous else [state.current_player()]
        if visit is not None:
            visit(state, seats, moves)
        for seat in seats:
            decisions[seat] += 1
        if simultaneous:
            state.apply_actions([rng.choice(state.legal_actions(p)) for p in seats])
        else:
            state.apply_action(rng.choice(state.legal_actions()))
        moves += 1
    return decisions


def _samples(game: Game, max_moves: int | None, episode: int, prompt_version: str) -> list[SamplePrompt]:
    """Prompts at evenly spread moves of a playout, replayed from its seed."""
    length = _moves_of(game, max_moves, episode)
    wanted = {int(length * (k + 0.5) / SAMPLES_PER_EPISODE) for k in range(SAMPLES_PER_EPISODE)}
    found: list[SamplePrompt] = []

    def visit(state: pyspiel.State, seats: list[int], move: int) -> None:
        if move in wanted:
            found.append(_sample(game, state, seats[0], prompt_version))

    _playout(game, max_moves, episode, visit)
    return found


def _moves_of(game: Game, max_moves: int | None, episode: int) -> int:
    moves = [0]

    def count(state: pyspiel.State, seats: list[int], move: int) -> None:
        moves[0] = move + 1

    _playout(game, max_moves, episode, count)
    return moves[0]


def _sample(game: Game, state: pyspiel.State, seat: int, prompt_version: str) -> SamplePrompt:
    labels = [label for _, label in game.renderer.legal_moves(state, seat)]
    first = build_messages(game, state, seat, labels, prompt_version)
    answer = json.dumps({"action": min(labels, key=len)})
    wrong = json.dumps({"action": max(labels, key=len)})  # an illegal answer is about as long as a legal one
    again = reprompt(first, wrong, illegal_move_error(max(labels, key=len), prompt_version), labels, prompt_version)
    return SamplePrompt(first=first, again=again, answer=answer)


def _percentile(values: list[int], q: float) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(q * len(ordered)))])


def _cache_path(game_key: str, max_moves: int | None, prompt_version: str):
    try:
        spiel = metadata.version("open_spiel")
    except metadata.PackageNotFoundError:
        spiel = pyspiel.__file__
    digest = hashlib.sha256(f"{_CACHE_VERSION}:{game_key}:{max_moves}:{prompt_version}:{spiel}".encode()).hexdigest()
    return cache_file(f"lengths-{digest[:16]}.json")
