"""MkDocs hook: replace the marker in the configuration reference page with the reference rendered
from the pydantic models (arena/config/reference.py), so the page cannot drift from the code. A field
without a description raises, and the build fails."""

from __future__ import annotations

from arena.config.reference import reference

MARKER = "<!-- config-reference -->"


def on_page_markdown(markdown: str, page, config, files) -> str:
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, reference(level=2))
