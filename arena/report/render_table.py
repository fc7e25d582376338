"""Print DataFrames as terminal tables."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table


def print_table(df: pd.DataFrame, title: str, console: Console | None = None) -> None:
    table = Table(title=title, title_justify="left")
    for column in df.columns:
        table.add_column(str(column), justify="right" if pd.api.types.is_numeric_dtype(df[column]) else "left")
    for row in df.itertuples(index=False):
        table.add_row(*(_fmt(v) for v in row))
    console = console or Console()
    if not console.is_terminal:  # piped output: never truncate columns to a guessed 80
        console.width = max(console.width, 160)
    console.print(table)


def _fmt(value) -> str:
    if isinstance(value, float):
        return "" if pd.isna(value) else f"{value:.3f}"
    return str(value)
