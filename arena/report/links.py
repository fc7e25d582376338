"""Addresses of the report's replay pages (OUT/replays/), relative to the overview page OUT/report.html.

The episode browser reads its filters from the query string: game, player, opponent, outcome
(win|draw|loss|forfeit|error, relative to `player`) and illegal=1. Every value is URL-encoded
here; the caller still HTML-escapes the address where it goes into an attribute.
"""

from __future__ import annotations

from urllib.parse import urlencode

EPISODES_PAGE = "replays/index.html"
REPLAY_PAGE = "replays/episode.html"
OUTCOMES = ("win", "draw", "loss", "forfeit", "error")


def episodes_link(*, game: str | None = None, player: str | None = None, opponent: str | None = None,
                  outcome: str | None = None, illegal: bool = False) -> str:
    """The episode browser filtered to these episodes; a filter left as None is not applied."""
    if outcome is not None and outcome not in OUTCOMES:
        raise ValueError(f"outcome: '{outcome}' is not one of {', '.join(OUTCOMES)}")
    query = {"game": game, "player": player, "opponent": opponent, "outcome": outcome, "illegal": "1" if illegal else None}
    filters = urlencode({k: v for k, v in query.items() if v is not None})
    return f"{EPISODES_PAGE}?{filters}" if filters else EPISODES_PAGE


def replay_link(episode_id: str, move: int | None = None) -> str:
    """One episode's replay, opened at `move` (a move_number) when given."""
    query = {"id": episode_id, **({"move": str(move)} if move is not None else {})}
    return f"{REPLAY_PAGE}?{urlencode(query)}"
