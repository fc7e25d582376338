"""The configuration reference is rendered from the models: every field appears, a missing description fails."""

import re

import pytest
from pydantic import BaseModel, Field

from arena.config.models import (
    GameSpec,
    HumanPlayer,
    LLMPlayer,
    MCTSPlayer,
    ProviderLimits,
    RandomPlayer,
    RatingReference,
    ScheduleSettings,
    ServeSettings,
    SolverPlayer,
    SPRTSettings,
    Tournament,
    UCIPlayer,
)
from arena.config.reference import MissingDescription, _cell, models, reference

EVERY_MODEL = [Tournament, GameSpec, RandomPlayer, MCTSPlayer, SolverPlayer, UCIPlayer, HumanPlayer, LLMPlayer,
               ProviderLimits, ServeSettings, RatingReference, ScheduleSettings, SPRTSettings]


def sections(text: str) -> dict[str, str]:
    """Each model's section of the rendered reference, by heading."""
    parts = re.split(r"^## (\w+)$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_walks_the_tournament_and_every_nested_model_and_player_type():
    assert set(models()) == set(EVERY_MODEL)
    assert models()[0] is Tournament
    assert list(sections(reference())) == [m.__name__ for m in models()]


@pytest.mark.parametrize("model", EVERY_MODEL, ids=lambda m: m.__name__)
def test_every_field_appears_with_its_description(model):
    section = sections(reference())[model.__name__]
    rows = {line.split(" | ")[0].strip("| `"): line for line in section.splitlines() if line.startswith("| `")}
    assert set(rows) == set(model.model_fields)
    for name, field in model.model_fields.items():
        assert field.description
        assert _cell(field.description) in rows[name], f"{model.__name__}.{name}"


def test_types_and_defaults():
    tournament = sections(reference())["Tournament"]
    assert "| `seed` | `int` | `42` |" in tournament
    assert "| `games` | list of [GameSpec](#gamespec) (at least 1) | required |" in tournament
    assert "| `max_moves` | `int` or `null` (> 0) | `null` |" in tournament
    assert "| `serve` | [ServeSettings](#servesettings) | the [ServeSettings](#servesettings) defaults |" in tournament
    assert "| `format` | one of `match`, `round_robin` | `round_robin` |" in tournament
    # the shipped models files are named relative to the project, the same on every machine
    assert "| `litellm_models` | `str` | `configs/litellm_models.yaml` |" in tournament
    assert "| `on_illegal` | one of `forfeit`, `random` | `forfeit` |" in sections(reference())["LLMPlayer"]


def test_description_text_is_literal_markdown():
    # "<output_dir>" would otherwise vanish as an HTML tag, and "litellm_*" start emphasis
    text = reference()
    assert "&lt;output\\_dir&gt;/&lt;name&gt;" in text
    assert "`arena serve up`" in text  # code spans are kept as code


def test_a_field_without_a_description_fails():
    class Nested(BaseModel):
        """A nested model."""

        silent: int = 3

    class Root(BaseModel):
        """A root model."""

        ok: int = Field(default=1, description="Has one.")
        nested: Nested = Field(default_factory=Nested, description="A nested model.")

    with pytest.raises(MissingDescription, match=r"Nested\.silent"):
        reference(Root)


def test_a_blank_description_fails():
    class Root(BaseModel):
        blank: int = Field(default=1, description="  ")

    with pytest.raises(MissingDescription, match=r"Root\.blank"):
        reference(Root)
