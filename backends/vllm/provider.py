"""vllm_* models: check a player against the vllm models file, hand out handle-backed clients.

Nothing is prepared per run here: the Serve application comes up before (cluster/serve_app.py),
and each playing process builds its own handle. The bare call is backends/vllm/call.py.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from arena.chat import ChatBackend
from arena.config.errors import PlayerOptionError
from arena.config.files import shipped
from arena.config.models import LLMPlayer, Tournament
from backends.options import BackendOptions, parse_options, who
from backends.registry import UnknownModel
from backends.vllm.models import (
    PREFIX,
    VLLMConfigError,
    check_model_dir,
    find_vllm_entry,
    read_vllm_models,
)

__all__ = ["PREFIX", "Options", "backend", "check", "prepare"]


class Options(BackendOptions):
    unknown = "unknown option '{key}'; vllm_* models take only constraint: choice|json (serving settings go in the " \
              "vllm models file)"
    must: ClassVar[dict[str, str]] = {"constraint": "choice or json"}

    constraint: Literal["choice", "json"] = Field(
        default="choice", description="Form constrain_moves takes: the bare label (choice), or the prompt's JSON answer.")


def options(spec: LLMPlayer) -> Options:
    """The player's options; `constraint` only with constrain_moves, which it shapes."""
    parsed = parse_options(Options, spec)
    if "constraint" in spec.backend_options and not spec.constrain_moves:
        raise PlayerOptionError("backend_options.constraint", f"{who(spec)}: constraint applies only with "
                                "constrain_moves: true; set it or remove the option")
    return parsed


def check(spec: LLMPlayer, t: Tournament | None) -> None:
    path = t.vllm_models if t else shipped("vllm_models")
    try:
        check_model_dir(find_vllm_entry(read_vllm_models(path), spec.model, path), path)
    except VLLMConfigError as e:
        raise UnknownModel(str(e)) from None
    options(spec)


def prepare(t: Tournament, specs: list[LLMPlayer], use_ray: bool, plan) -> None:
    """Nothing: the deployments are up before the run starts (cluster/serve_app.py)."""


def backend(spec: LLMPlayer, plan) -> ChatBackend:
    from backends.vllm.call import VLLMCall
    from backends.wrapper import Wrapped

    return Wrapped(VLLMCall(spec.model, plan.serve_app, json_constraint=options(spec).constraint == "json"))
