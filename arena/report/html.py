"""One self-contained HTML page: tables inline, figures as base64 PNGs, no scripts, fonts or files to fetch.

Plain string templates. Text from the results (player names come from configs, answers from
models) is escaped on the way in: a plain `str` is always escaped, and `Html` marks markup
that the functions here built from escaped pieces, so nothing is escaped twice or not at all.
The page must fit a 1,400 px window: wide tables are split or moved into <details>, never
put behind a sideways scroll.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable
from dataclasses import dataclass, field

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5em auto; max-width: 1340px;
       padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05em; margin-top: 1.5em; }
nav { font-size: 0.9em; line-height: 1.7; } nav a { margin-right: 0.9em; white-space: nowrap; }
a { color: #1a5aa6; text-decoration: none; } a:hover { text-decoration: underline; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
th, td { padding: 0.25em 0.55em; border-bottom: 1px solid #e4e4e4; white-space: nowrap; vertical-align: top; }
th { background: #f3f3f3; text-align: left; font-weight: 600; }
th.group { text-align: center; border-left: 2px solid #fff; white-space: normal; overflow-wrap: anywhere; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.first { border-left: 2px solid #e4e4e4; }
td.name { white-space: normal; overflow-wrap: anywhere; max-width: 16em; }
td.text { white-space: pre-wrap; overflow-wrap: anywhere; max-width: 34em; font-family: ui-monospace, monospace;
          font-size: 0.95em; }
td.wrap { white-space: normal; overflow-wrap: anywhere; max-width: 30em; }
.sub { display: block; color: #666; font-size: 0.85em; }
table.heat td { text-align: center; padding: 0.2em 0.3em; min-width: 2.8em; border: 1px solid #fff; }
table.heat td a { color: inherit; display: block; }
table.heat .sub { color: inherit; opacity: 0.8; }
table.heat th.col { writing-mode: vertical-rl; transform: rotate(180deg); white-space: normal; max-height: 12em;
                    overflow-wrap: anywhere; text-align: left; vertical-align: bottom; }
table.facts th { background: none; width: 12em; }
table.facts td { white-space: normal; overflow-wrap: anywhere; }
img { max-width: 100%; height: auto; display: block; margin: 1em 0; }
pre { background: #f6f6f6; padding: 0.8em; font-size: 0.8em; white-space: pre-wrap; overflow-wrap: anywhere; }
details { margin: 0.6em 0; } summary { cursor: pointer; color: #1a5aa6; }
.notes { color: #555; font-size: 0.9em; }
"""


class Html(str):
    """Markup safe to insert as it is: built by the functions of this module from escaped text."""


def esc(text: object) -> Html:
    """`text` escaped, unless it is Html already."""
    return text if isinstance(text, Html) else Html(html.escape("" if text is None else str(text)))


def tag(name: str, content: object = "", **attrs: object) -> Html:
    """<name attrs>content</name>; attribute values escaped, `class_` written as class, None values left out."""
    shown = "".join(f' {k.rstrip("_").replace("_", "-")}="{html.escape(str(v))}"' for k, v in attrs.items()
                    if v is not None)
    return Html(f"<{name}{shown}>{esc(content)}</{name}>")


def link(text: object, href: str, title: str | None = None) -> Html:
    return tag("a", text, href=href, title=title)


def join(parts: Iterable[object], sep: str = " ") -> Html:
    return Html(esc(sep).join(esc(p) for p in parts))


def notes(lines: Iterable[object]) -> Html:
    return join((tag("p", line, class_="notes") for line in lines), "\n")


def details(summary: object, *content: object, open_: bool = False) -> Html:
    body = join(content, "\n")
    return Html(f"<details{' open' if open_ else ''}>{tag('summary', summary)}\n{body}</details>")


@dataclass(frozen=True)
class Figure:
    title: str
    png: bytes


def image(fig: Figure) -> Html:
    data = base64.b64encode(fig.png).decode("ascii")
    return join([tag("h3", fig.title), Html(f'<img alt="{html.escape(fig.title)}" src="data:image/png;base64,{data}">')],
                "\n")


@dataclass(frozen=True)
class Cell:
    """One table cell: `content` (escaped unless Html), a smaller second line `sub`, right-aligned when `num`.

    `style` is inline CSS the report computes from numbers (a heatmap colour), never text from the results.
    """

    content: object = ""
    sub: object = None
    num: bool = False
    cls: str | None = None
    style: str | None = None
    title: str | None = None
    span: int = 1
    header: bool = False

    def render(self) -> str:
        classes = " ".join(c for c in ["num" if self.num else None, self.cls] if c) or None
        body = esc(self.content) if self.sub is None else join([self.content, tag("span", self.sub, class_="sub")], "")
        return tag("th" if self.header else "td", body, class_=classes, style=self.style, title=self.title,
                   colspan=self.span if self.span > 1 else None)


def head(label: object, *, num: bool = False, cls: str | None = None, title: str | None = None, span: int = 1) -> Cell:
    """A header cell."""
    return Cell(label, num=num, cls=cls, title=title, span=span, header=True)


def table(columns: list[Cell], rows: list[list[Cell]], *, id_: str | None = None, cls: str | None = None,
          groups: list[Cell] | None = None) -> Html:
    """A table; `groups` is an upper header row (cells spanning several columns); no header when both are empty."""
    header_rows = [row for row in (groups, columns) if row]
    thead = "".join(f"<tr>{''.join(c.render() for c in row)}</tr>" for row in header_rows)
    body = "\n".join(f"<tr>{''.join(c.render() for c in row)}</tr>" for row in rows)
    inner = (f"<thead>{thead}</thead>" if thead else "") + f"<tbody>{body}</tbody>"
    return tag("table", Html(inner), id=id_, class_=cls)


@dataclass(frozen=True)
class Section:
    """An <h2> part of the page; `anchor` is its id, linked from the page's contents line."""

    anchor: str
    title: str
    blocks: list[Html] = field(default_factory=list)


def page(title: str, intro: list[object], sections: list[Section]) -> str:
    contents = tag("nav", join((link(s.title, f"#{s.anchor}") for s in sections), "\n"))
    body = [tag("h1", title), notes(intro), contents]
    for section in sections:
        inner = join([tag("h2", section.title), *section.blocks], "\n")
        body.append(tag("section", inner, id=section.anchor))
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")
