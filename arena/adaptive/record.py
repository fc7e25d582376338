"""schedule.json in a results folder: every round an adaptive schedule chose, the episodes it assigned, and why it stopped.

The record is what makes a run resumable exactly: a round is written before any of its
episodes is played, with the repetitions it gives each pairing, so a run killed in the
middle of a round plays the rest of that very round when it is started again, and the
rounds after it are chosen from the same results by the same seeded rule. Episodes are
the round robin's own (`arena.schedule.seat_swapped_pair`): repetition r of a pairing
in a game is the same episode, with the same id and chance seed, in either mode.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from arena.adaptive.run import RoundRecord
from arena.config.models import GameSpec, Tournament
from arena.results.location import ResultsDir
from arena.results.writer import write_json_atomic
from arena.schedule import EpisodeSpec, player_specs, seat_swapped_pair

SCHEDULE_FILE = "schedule.json"


@dataclass
class ScheduleRecord:
    rounds: list[dict[str, Any]] = field(default_factory=list)
    stop: dict[str, Any] | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def read(root: ResultsDir) -> ScheduleRecord:
        """The folder's record; an empty one where there is none yet."""
        text = root.read_text(SCHEDULE_FILE)
        if not text:
            return ScheduleRecord()
        data = json.loads(text)
        return ScheduleRecord(list(data.get("rounds", [])), data.get("stop"), dict(data.get("settings", {})))

    def write(self, root: ResultsDir) -> None:
        write_json_atomic(root, SCHEDULE_FILE, {"settings": self.settings, "rounds": self.rounds, "stop": self.stop})

    @property
    def scheduled(self) -> int:
        """Episodes of the recorded rounds."""
        return sum(r["episodes"] for r in self.rounds)

    def pending(self, t: Tournament, done: set[str]) -> int:
        """0 when the schedule stopped under today's settings with every recorded episode played; otherwise the most
        episodes a run may still play (the missing ones of the recorded rounds, or what max_episodes leaves)."""
        missing = sum(e.episode_id not in done for e in self.episodes(t))
        settings = t.schedule.model_dump(mode="json")
        if self.stop and self.stop.get("reason") != "no_results" and self.settings == settings and not missing:
            return 0
        return max(missing, 1, t.schedule.max_episodes - self.scheduled)

    def episodes(self, t: Tournament) -> Iterator[EpisodeSpec]:
        """Every episode of the recorded rounds, round by round."""
        games, specs = _games(t), player_specs(t)
        for rnd in self.rounds:
            for a in rnd["allocations"]:
                first, stop = a["repetitions"]
                for rep in range(first, stop):
                    yield from seat_swapped_pair(t, games[a["game"]], (a["players"][0], a["players"][1]), rep, specs)

    def add_round(self, t: Tournament, record: RoundRecord, done: set[str], extra: dict[str, Any] | None = None
                  ) -> list[EpisodeSpec]:
        """Record `record`'s round, giving each allocation the pairing's next repetitions (past those of earlier
        rounds and past any already played, e.g. by a fixed schedule before), and return its episodes."""
        games, specs, order = _games(t), player_specs(t), [p.display_name for p in t.players]
        taken: dict[tuple[str, str, str], int] = {}
        for rnd in self.rounds:
            for a in rnd["allocations"]:
                done_key = (a["game"], a["players"][0], a["players"][1])
                taken[done_key] = max(taken.get(done_key, 0), a["repetitions"][1])
        out: list[EpisodeSpec] = []
        allocations: list[dict[str, Any]] = []
        recorded = record.as_dict()
        for entry, allocation in zip(recorded["allocations"], record.choice.allocations, strict=True):
            listed_first, listed_second = sorted(allocation.players, key=order.index)
            pairing, key = (listed_first, listed_second), (allocation.game, listed_first, listed_second)
            game = games[allocation.game]
            rep = taken.get(key, 0)
            while any(e.episode_id in done for e in seat_swapped_pair(t, game, pairing, rep, specs)):
                rep += 1
            first = rep
            for _ in range(allocation.pairs):
                out += seat_swapped_pair(t, game, pairing, rep, specs)
                rep += 1
            taken[key] = rep
            allocations.append({**entry, "players": list(pairing), "repetitions": [first, rep]})
        self.rounds.append({**recorded, "allocations": allocations, **(extra or {})})
        return out


def _games(t: Tournament) -> dict[str, GameSpec]:
    return {g.key: g for g in t.games}
