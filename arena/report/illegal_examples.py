"""Examples of illegal answers, a few per model: what the model said, what it was told back, and a link to
that move in the replay. Read from the moves table a batch at a time, stopping as soon as every model
has its examples, so a folder of millions of moves costs only the batches before that."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.compute as pc

from arena.report.html import Cell, Html, head, link, table
from arena.report.links import replay_link
from arena.results.location import ResultsDir
from arena.results.reader import scan_moves

PER_PLAYER = 3
ANSWER_CHARS = 200
EXAMPLE_COLUMNS = ["episode_id", "game_key", "move_number", "attempt", "player", "raw_response", "error"]


def illegal_examples(root: str | Path | ResultsDir, plays: Iterable[str], players: list[str],
                     per_player: int = PER_PLAYER) -> pd.DataFrame:
    """Up to `per_player` illegal answers of each of `players` (model players) in the moves of `plays`,
    in the order of `players` and then as stored."""
    found: dict[str, list[dict[str, Any]]] = {p: [] for p in players}
    if not players:
        return pd.DataFrame(columns=EXAMPLE_COLUMNS)
    wanted = ~pc.field("legal") & pc.field("model").is_valid()  # only model answers are worth showing
    seen: set[tuple] = set()  # a part written twice repeats its rows
    for batch in scan_moves(root, plays=plays, columns=EXAMPLE_COLUMNS, where=wanted):
        for row in batch.to_pylist():
            kept = found.get(row["player"])
            key = (row["episode_id"], row["move_number"], row["player"], row["attempt"])
            if kept is not None and len(kept) < per_player and key not in seen:
                seen.add(key)
                kept.append(row)
        if all(len(kept) >= per_player for kept in found.values()):
            break
    return pd.DataFrame([row for p in players for row in found[p]], columns=EXAMPLE_COLUMNS)


def shortened(text: str | None, limit: int = ANSWER_CHARS) -> str:
    if text is None:
        return "(no answer)"
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def illegal_examples_html(examples: pd.DataFrame, anchor: str) -> Html:
    columns = [head("player"), head("game"), head("move", num=True, title="opens the replay at this move"),
               head("answer (raw)"), head("told to the model")]
    rows = []
    for r in examples.itertuples(index=False):
        move = link(f"move {r.move_number}" + (f", attempt {r.attempt}" if r.attempt > 1 else ""),
                    replay_link(str(r.episode_id), int(r.move_number)), "open the replay at this move")
        rows.append([Cell(r.player, cls="name"), Cell(r.game_key), Cell(move, num=True),
                     Cell(shortened(r.raw_response), cls="text"), Cell(r.error, cls="wrap")])
    return table(columns, rows, id_=anchor)
