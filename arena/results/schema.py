"""The on-disk format: three typed tables. Field order is the format; changing it bumps SCHEMA_VERSION.

Version 2 (this one): episodes carry definition_id and first_seat; seats carry tournament and
first_mover; moves carry tournament, game, game_key and model, the state after the final move
(state_after), the renderer's label for every player type (action_label) and OpenSpiel's own
action string (spiel_action). Missing values are nulls, never empty strings. Version 1 folders
are refused (arena.results.folder); read them with the release that wrote them (0.1.x).
"""

from __future__ import annotations

from enum import StrEnum

import pyarrow as pa

SCHEMA_VERSION = 2


class EpisodeStatus(StrEnum):
    """How an episode ended: the `status` column of episodes and seats. A str, so it is written as its value."""

    OK = "ok"  # played to the end
    TRUNCATED = "truncated"  # stopped at max_moves
    FORFEIT = "forfeit"  # a seat gave no legal move
    ERROR = "error"  # it failed (model unavailable, backend gave up, a bug): not rated, replayed on resume
    SKIPPED = "skipped"  # a model may not play any more (budget spent): not rated, replayed on resume


EPISODES = pa.schema([
    ("episode_id", pa.string()),
    ("play_id", pa.string()),  # one play of the episode; a retried episode has several
    ("tournament", pa.string()),
    ("definition_id", pa.string()),  # the tournament definition it was played under (manifest.json history)
    ("game", pa.string()),
    ("game_key", pa.string()),  # name plus parameters, e.g. hex(board_size=7)
    ("game_params", pa.string()),  # JSON
    ("players", pa.list_(pa.string())),  # display names by seat
    ("seed", pa.int64()),
    ("repetition", pa.int32()),
    ("seating", pa.int8()),
    ("first_seat", pa.int8()),  # the seat that took the first decision; null when it was simultaneous
    ("status", pa.string()),  # ok | truncated | forfeit | error | skipped
    ("reason", pa.string()),  # why it is not ok; null when ok
    ("returns", pa.list_(pa.float64())),
    ("num_moves", pa.int32()),
    ("started_at", pa.timestamp("ms", tz="UTC")),
    ("duration_s", pa.float64()),
    ("schema_version", pa.int16()),
])

SEATS = pa.schema([
    ("episode_id", pa.string()),
    ("play_id", pa.string()),  # one play of the episode; a retried episode has several
    ("tournament", pa.string()),
    ("game", pa.string()),
    ("game_key", pa.string()),
    ("seat", pa.int8()),
    ("first_mover", pa.bool_()),  # this seat took the episode's first decision; null when it was simultaneous
    ("player", pa.string()),
    ("player_type", pa.string()),
    ("model", pa.string()),  # null for scripted players
    ("player_spec", pa.string()),  # JSON of the full player config: enough to rebuild it
    ("opponents", pa.list_(pa.string())),
    ("status", pa.string()),
    ("return", pa.float64()),
    ("outcome", pa.string()),  # win | draw | loss; null when the episode did not finish
    ("decisions", pa.int32()),
    ("illegal_attempts", pa.int32()),
    ("forfeit", pa.bool_()),
    ("random_fallbacks", pa.int32()),
    ("prompt_tokens", pa.int64()),
    ("completion_tokens", pa.int64()),
    ("cost_usd", pa.float64()),
    ("latency_s", pa.float64()),
])

MOVES = pa.schema([
    ("episode_id", pa.string()),
    ("play_id", pa.string()),  # one play of the episode; a retried episode has several
    ("tournament", pa.string()),
    ("game", pa.string()),
    ("game_key", pa.string()),
    ("move_number", pa.int32()),
    ("seat", pa.int8()),
    ("player", pa.string()),
    ("model", pa.string()),  # null for scripted players
    ("attempt", pa.int16()),  # 1-based within one decision
    ("state", pa.string()),  # full state text before the move (for analysis; players saw `prompt`)
    ("state_after", pa.string()),  # the final position, on the rows of the episode's last decision; else null
    ("prompt", pa.string()),  # null for scripted players
    ("raw_response", pa.string()),
    ("reasoning", pa.string()),
    ("parser_path", pa.string()),
    ("action", pa.int64()),  # null when nothing legal was parsed
    ("action_label", pa.string()),  # the renderer's label (what models see) for every player type; on an illegal attempt, what the model named
    ("spiel_action", pa.string()),  # OpenSpiel's action_to_string of `action`; null when no legal action
    ("legal", pa.bool_()),
    ("fallback", pa.string()),  # "random" when the arena chose the move for the player; else null
    ("error", pa.string()),
    ("error_class", pa.string()),
    ("prompt_tokens", pa.int32()),
    ("completion_tokens", pa.int32()),
    ("latency_s", pa.float64()),
    ("cost_usd", pa.float64()),
])

TABLES = {"episodes": EPISODES, "seats": SEATS, "moves": MOVES}

STATUS_RANK = {
    EpisodeStatus.ERROR: 0, EpisodeStatus.SKIPPED: 0,
    EpisodeStatus.TRUNCATED: 1, EpisodeStatus.FORFEIT: 1, EpisodeStatus.OK: 1,
}
"""When an episode_id appears twice (a retry, a resume after an error), the higher rank wins."""
DONE_STATUSES = (EpisodeStatus.OK, EpisodeStatus.TRUNCATED, EpisodeStatus.FORFEIT)
"""Statuses of a finished play: resume does not replay these, ratings count them."""
NOT_PLAYED = (EpisodeStatus.ERROR, EpisodeStatus.SKIPPED)
"""Statuses of an episode that did not finish: no outcome, not rated."""
