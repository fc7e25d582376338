"""One self-contained HTML page: tables inline, figures as base64 PNGs, no scripts, fonts or links to fetch.

Plain string templates: the page is a handful of sections, and html.escape on every
piece of text from the results (player names come from configs) keeps it safe.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass

import pandas as pd

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1200px;
       padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.1em; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { padding: 0.25em 0.6em; border-bottom: 1px solid #e4e4e4; white-space: nowrap; }
th { background: #f3f3f3; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
img { max-width: 100%; height: auto; display: block; margin: 1em 0; }
.notes { color: #555; font-size: 0.9em; }
"""


TEXT_COLUMNS = ("player", "opponent", "game", "record")


@dataclass(frozen=True)
class Figure:
    title: str
    png: bytes


@dataclass(frozen=True)
class Section:
    title: str
    table: pd.DataFrame  # already formatted for reading (strings or numbers)
    notes: list[str]
    figures: list[Figure]


def page(title: str, intro: list[str], sections: list[Section]) -> str:
    body = [f"<h1>{html.escape(title)}</h1>", *(f'<p class="notes">{html.escape(line)}</p>' for line in intro)]
    for section in sections:
        body.append(f"<h2>{html.escape(section.title)}</h2>")
        body.append(f'<div class="scroll">{_table(section.table)}</div>')
        body.extend(f'<p class="notes">{html.escape(line)}</p>' for line in section.notes)
        for fig in section.figures:
            data = base64.b64encode(fig.png).decode("ascii")
            body.append(f"<h3>{html.escape(fig.title)}</h3>")
            body.append(f'<img alt="{html.escape(fig.title)}" src="data:image/png;base64,{data}">')
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def _table(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    numeric = [c not in TEXT_COLUMNS for c in df.columns]  # figures right-aligned, names left
    rows = []
    for row in df.itertuples(index=False):
        cells = "".join(
            f'<td class="num">{html.escape(_text(v))}</td>' if num else f"<td>{html.escape(_text(v))}</td>"
            for v, num in zip(row, numeric, strict=True))
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.3f}"
    return str(value)
