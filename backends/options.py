"""A player's `backend_options`, read once into the typed model its provider declares.

Each provider module defines `Options(BackendOptions)`: its keys, their types and bounds.
An unknown key or a bad value is refused with one line naming the player and the option.
"""

from __future__ import annotations

import difflib
from typing import ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from arena.config.errors import PlayerOptionError, show
from arena.config.models import LLMPlayer

OptionsT = TypeVar("OptionsT", bound="BackendOptions")


class BackendOptions(BaseModel):
    """No options at all; a provider subclasses it with its own fields."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    unknown: ClassVar[str] = "unknown option '{key}'"  # said of a key the model does not have
    must: ClassVar[dict[str, str]] = {}  # key -> what its value must be, for the error message


def who(spec: LLMPlayer) -> str:
    return f"player '{spec.display_name}' ({spec.model})"


def parse_options(cls: type[OptionsT], spec: LLMPlayer, **context: str) -> OptionsT:
    """`spec.backend_options` as `cls`, or a PlayerOptionError about the first bad key (`context`: more
    fields for the `unknown` message)."""
    try:
        return cls.model_validate(spec.backend_options)
    except ValidationError as e:
        first = e.errors()[0]
        key = str(first["loc"][0]) if first["loc"] else ""
        if first["type"] == "extra_forbidden":
            close = difflib.get_close_matches(key, list(cls.model_fields), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise PlayerOptionError(f"backend_options.{key}",
                                    f"{who(spec)}: {cls.unknown.format(key=key, **context)}{hint}") from None
        must = cls.must.get(key, str(first["msg"]).lower())
        raise PlayerOptionError(f"backend_options.{key}", f"{who(spec)}: {key} must be {must}, "
                                f"got {show(spec.backend_options.get(key))}") from None
