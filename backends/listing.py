"""`arena models`: every configured model and whether it is ready to play."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from arena.config.errors import ConfigError
from arena.config.files import resolve, shipped
from arena.config.models import LLMPlayer, ProviderLimits, Tournament
from backends import keys
from backends.litellm.facts import facts
from backends.litellm.models import find_entry, read_models_file
from backends.registry import LITELLM as PREFIX
from backends.registry import VLLM as VLLM_PREFIX
from backends.vllm.models import (
    VLLMConfigError,
    check_model_dir,
    find_vllm_entry,
    read_vllm_models,
)


def _limit(value) -> str:
    return "-" if value is None else str(value)


def models_command(config: str | None, overrides: Sequence[str], models_file: str | None, vllm_file: str | None) -> int:
    """`arena models [CONFIG]`: print the table, or say that there is nothing to list and where it looked."""
    from arena.config.load import load_tournament

    if config is None and overrides:
        raise ConfigError("--override: changes a tournament's keys; give the CONFIG it applies to")
    flag = "--models-file" if models_file else "--vllm-models-file" if vllm_file else None
    if config is not None and flag:
        raise ConfigError(f"{flag}: CONFIG names its own models files; use --override litellm_models=PATH "
                          "(or vllm_models=PATH) instead")
    t = load_tournament(config, overrides) if config is not None else None
    files = (t.litellm_models, t.vllm_models) if t else (
        resolve(models_file, Path.cwd()) if models_file else shipped("litellm_models"),
        resolve(vllm_file, Path.cwd()) if vllm_file else shipped("vllm_models"))
    table = models_table(t, *files)
    where = f"{files[0]} and {files[1]}"
    if table.empty:
        print(f"no llm players in {config}; nothing to list (models files: {where})" if t
              else f"no models: {where} list none")
        return 0
    print_models(table, f"Models ({where}); limits: model / provider")
    return 0


def print_models(table: pd.DataFrame, title: str) -> None:
    """The table, wrapping any column but the model's: a model name is what a config must spell
    exactly, so it is never cut or folded. A terminal too narrow for that gets one block per model."""
    from rich.console import Console
    from rich.table import Table

    out = Table(title=title, title_justify="left")
    for column in table.columns:
        out.add_column(str(column), no_wrap=column == "model", overflow="fold")
    for row in table.itertuples(index=False):
        out.add_row(*(str(v) for v in row))
    console = Console()
    widths = console.measure(out, options=console.options.update_width(100_000))  # unclamped by the terminal
    if not console.is_terminal:  # piped: never cut to a guessed 80 columns
        console.width = max(160, widths.maximum)
    elif widths.minimum > console.width:
        print(title)
        for record in table.to_dict("records"):
            print(f"\n{record.pop('model')}")
            print("\n".join(f"  {column}: {value}" for column, value in record.items()))
        return
    console.print(out)


def models_table(t: Tournament | None, models_file: str | None = None, vllm_file: str | None = None) -> pd.DataFrame:
    """One row per model: of the tournament's llm players (and its models files) when `t` is given,
    else of the models files (default: those shipped with the package)."""
    models_file = t.litellm_models if t else models_file or shipped("litellm_models")
    vllm_file = t.vllm_models if t else vllm_file or shipped("vllm_models")
    models = read_models_file(models_file)
    if t is not None:
        names = list(dict.fromkeys(p.model for p in t.players if isinstance(p, LLMPlayer)))
    else:
        names = [e.arena_name for e in models.models] + [e.arena_name for e in read_vllm_models(vllm_file).models]
    rows = []
    known = facts([e for e in (_entry(models, n) for n in names if n.startswith(PREFIX)) if e is not None])
    for name in names:
        if name.startswith(VLLM_PREFIX):
            rows.append(_vllm_row(name, vllm_file))
            continue
        if not name.startswith(PREFIX):
            rows.append({"model": name, "backend": name.split("_", 1)[0], "ready": "yes", "key": "-",
                         "api_base": "-", "rpm": "-", "tpm": "-", "concurrency": "-", "budget_usd": "-"})
            continue
        rows.append(_litellm_row(t, models, name, models_file, known))
    return pd.DataFrame(rows)


def _vllm_row(name: str, vllm_file: str) -> dict:
    row = {"model": name, "backend": "vllm (Ray Serve)", "key": "not needed", "api_base": "-", "rpm": "-", "tpm": "-",
           "concurrency": "-", "budget_usd": "-"}
    try:
        entry = check_model_dir(find_vllm_entry(read_vllm_models(vllm_file), name, vllm_file), vllm_file)
    except VLLMConfigError as e:
        return {**row, "ready": f"no: {e}"}
    return {**row, "ready": "yes", "api_base": f"model {entry.model_path}"}


def _entry(models, name: str):
    try:
        return find_entry(models, name, "")
    except ValueError:
        return None


def _litellm_row(t: Tournament | None, models, name: str, models_file: str, known: dict) -> dict:
    try:
        entry = find_entry(models, name, models_file)
    except ValueError:
        return {"model": name, "backend": "litellm", "ready": f"no: not in {models_file}", "key": "-",
                "api_base": "-", "rpm": "-", "tpm": "-", "concurrency": "-", "budget_usd": "-"}
    # LiteLLM's answers kept on disk (backends/litellm/facts.py); asked here only where it could not say.
    provider, variables = known.get(entry.name) or (keys.provider_of(entry), keys.key_variables(entry))
    limits = (t.providers.get(provider) if t else None) or ProviderLimits()
    if not keys.key_required(entry):
        variables = [entry.api_key_env] if entry.api_key_env else []
    present = [v for v in variables if os.environ.get(v)]
    missing = bool(variables) and keys.key_required(entry) and not present
    key = (f"{present[0]} set" if present else f"{variables[0]} missing") if variables else "not needed"
    return {
        "model": name, "backend": f"litellm ({provider})", "ready": "no" if missing else "yes",
        "key": key, "api_base": entry.api_base or "(provider default)",
        "rpm": f"{_limit(entry.rpm)} / {_limit(limits.rpm)}", "tpm": f"{_limit(entry.tpm)} / {_limit(limits.tpm)}",
        "concurrency": f"{_limit(entry.max_concurrency)} / {limits.max_concurrency}",
        "budget_usd": _limit(entry.budget_usd),
    }
