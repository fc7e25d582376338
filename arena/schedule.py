"""Which episodes a tournament consists of: a lazy, deterministic stream of EpisodeSpecs.

What decides an episode's randomness, and nothing else does:
- chance events (cards, dice): `EpisodeSpec.seed`, from the master seed, the game with its
  parameters, the pair of players and the repetition; both seatings of a pair share it, so the
  luck of the deal cancels out;
- each seat's own choices (random moves, MCTS rollouts, model sampling seeds): a seed derived from
  the episode_id and the seat number, where the episode_id covers the master seed, the game with
  its parameters and move limit, the players by seat with their full specs, and the repetition.
The tournament's name, its results folder, the shard an episode lands in and the order in which
episodes run play no part.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from arena.config.models import GameSpec, Tournament


@dataclass(frozen=True, slots=True)
class EpisodeSpec:
    episode_id: str
    game: GameSpec
    seats: tuple[str, ...]  # player display names, seat 0 first
    seed: int  # chance seed; both seatings of a repetition share it
    repetition: int
    seating: int  # 0 for the listed order, 1 for the swapped one


def _digest(*parts: object) -> bytes:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()


def derive_seed(*parts: object) -> int:
    """A 63-bit seed determined by `parts` alone (no global rng, stable across processes)."""
    return int.from_bytes(_digest(*parts)[:8], "big") >> 1


def episode_id(t: Tournament, game: GameSpec, seats: tuple[str, ...], repetition: int, specs: dict[str, str]) -> str:
    """Identity of one episode: master seed, game with its parameters and move limit, the players by
    seat with their full specs, and the repetition (the seating is the order of `seats`). Changing a
    temperature never passes off old results as new. The tournament's name and results folder are
    not part of it: the same config under another name plays the very same episodes."""
    seated = [specs[name] for name in seats]
    return _digest(t.seed, game.key, t.max_moves_for(game), *seats, *seated, repetition).hex()[:24]


def count(t: Tournament) -> int:
    """Episodes the tournament plays: all of them, or for an adaptive schedule the most it may play."""
    if t.format == "match":
        return len(t.games) * t.num_episodes
    if t.schedule.mode == "adaptive":
        return t.schedule.max_episodes
    pairs = len(t.players) * (len(t.players) - 1) // 2
    return len(t.games) * pairs * t.episodes_per_pairing


def episodes(t: Tournament) -> Iterator[EpisodeSpec]:
    """Repetitions outermost, so a tournament stopped early is still balanced."""
    names = [p.display_name for p in t.players]
    specs = player_specs(t)
    if t.format == "match":
        for rep, game in itertools.product(range(t.num_episodes), t.games):
            seats = tuple(names)
            seed = derive_seed(t.seed, game.key, rep)
            yield EpisodeSpec(episode_id(t, game, seats, rep, specs), game, seats, seed, rep, 0)
        return
    if t.schedule.mode == "adaptive":
        raise ValueError("an adaptive schedule's episodes are chosen round by round (arena.adaptive.record)")
    for rep, game, (a, b) in itertools.product(
        range(t.episodes_per_pairing // 2), t.games, itertools.combinations(names, 2)
    ):
        yield from seat_swapped_pair(t, game, (a, b), rep, specs)


def player_specs(t: Tournament) -> dict[str, str]:
    """Display name -> the player's full spec as JSON: what an episode_id covers of each seat."""
    return {p.display_name: p.model_dump_json() for p in t.players}


def seat_swapped_pair(t: Tournament, game: GameSpec, pairing: tuple[str, str], rep: int,
                      specs: dict[str, str]) -> tuple[EpisodeSpec, EpisodeSpec]:
    """Repetition `rep` of a round robin's pairing (a, b; a listed first among the players) in `game`: one episode
    per seating, sharing the chance seed. An adaptive schedule plays the very same episodes."""
    a, b = pairing
    seed = derive_seed(t.seed, game.key, a, b, rep)
    return (EpisodeSpec(episode_id(t, game, (a, b), rep, specs), game, (a, b), seed, rep, 0),
            EpisodeSpec(episode_id(t, game, (b, a), rep, specs), game, (b, a), seed, rep, 1))
