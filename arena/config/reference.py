"""The configuration reference, rendered from the pydantic models so that it cannot drift from them.

`reference()` walks `Tournament.model_fields` and every model it reaches (games, each player type,
provider limits, serving) and returns Markdown: one section per model with a table of field name,
type, default and description. A field without a description raises `MissingDescription`, so the
documentation build (docs/hooks/config_reference.py) fails rather than print an empty cell.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from arena.config.models import Tournament

__all__ = ["MissingDescription", "models", "reference"]

_PROJECT = Path(__file__).resolve().parents[2]
_BOUNDS = ((annotated_types.Gt, "gt", ">"), (annotated_types.Ge, "ge", "≥"),
           (annotated_types.Lt, "lt", "<"), (annotated_types.Le, "le", "≤"))


class MissingDescription(ValueError):
    """A model field has no description; every field of the configuration must say what it does."""


def models(root: type[BaseModel] = Tournament) -> list[type[BaseModel]]:
    """`root` and every model its fields reach, breadth first, in field order, each once."""
    found: list[type[BaseModel]] = [root]
    for model in found:  # grows while it is walked
        for field in model.model_fields.values():
            for nested in _nested(field.annotation):
                if nested not in found:
                    found.append(nested)
    return found


def reference(root: type[BaseModel] = Tournament, level: int = 2) -> str:
    """Markdown for `root` and every nested model: a heading of `level` and a field table for each."""
    return "\n".join(_section(model, level) for model in models(root))


def _section(model: type[BaseModel], level: int) -> str:
    doc = inspect.cleandoc(model.__doc__ or "")
    lines = [f"{'#' * level} {model.__name__}", ""]
    if doc:
        lines += [_literal(doc), ""]
    lines += ["| field | type | default | description |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        if not (field.description or "").strip():
            raise MissingDescription(f"{model.__name__}.{name} has no description; add Field(description=...)")
        kind = _type(field.annotation) + _constraints(field)
        lines.append(f"| `{name}` | {kind} | {_default(field)} | {_cell(field.description or '')} |")
    lines.append("")
    return "\n".join(lines)


def _nested(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _nested(arg)]


def _type(annotation: Any) -> str:
    """A type as a reader of a YAML file thinks of it, with links to the nested models' sections."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is typing.Annotated:
        return _type(args[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    if origin is Literal:
        choices = ", ".join(f"`{_yaml(a)}`" for a in args)
        return choices if len(args) == 1 else f"one of {choices}"
    if origin in (typing.Union, types.UnionType):
        named = [_type(a) for a in args if a is not type(None)]
        return " or ".join(named) + (" or `null`" if type(None) in args else "")
    if origin is list:
        return f"list of {_type(args[0])}"
    if origin is dict:
        return f"mapping of {_type(args[0])} to {_type(args[1])}"
    if isinstance(annotation, type):
        return f"`{annotation.__name__}`"
    return f"`{annotation}`"


def _constraints(field: FieldInfo) -> str:
    found = [f"{sign} {getattr(m, attr)}" for m in field.metadata for cls, attr, sign in _BOUNDS if isinstance(m, cls)]
    found += [f"at least {m.min_length}" for m in field.metadata if isinstance(m, annotated_types.MinLen)]
    found += [f"matches `{m.pattern}`" for m in field.metadata if getattr(m, "pattern", None)]
    return f" ({', '.join(found)})" if found else ""


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "required"
    if field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
        if isinstance(value, BaseModel):
            return f"the [{type(value).__name__}](#{type(value).__name__.lower()}) defaults"
        return f"`{_yaml(_relative(value))}`"
    if field.default is PydanticUndefined:  # pragma: no cover - required fields are handled above
        return "required"
    return f"`{_yaml(field.default)}`"


def _relative(value: Any) -> Any:
    """A path inside the project (a shipped file) relative to it, so the reference is the same on every machine."""
    if isinstance(value, str) and Path(value).is_absolute() and Path(value).is_relative_to(_PROJECT):
        return Path(value).relative_to(_PROJECT).as_posix()
    return value


def _yaml(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    return str(value)


def _cell(text: str) -> str:
    """Text fit for one table cell: one line, pipes escaped."""
    return _literal(" ".join(text.split())).replace("|", "\\|")


def _literal(text: str) -> str:
    """Text read literally (no emphasis, links or HTML), except its `code` spans."""
    parts = text.split("`")
    for i in range(0, len(parts), 2):  # outside code spans
        parts[i] = re.sub(r"([\\*_\[\]])", r"\\\1", parts[i]).replace("<", "&lt;").replace(">", "&gt;")
    return "`".join(parts)
