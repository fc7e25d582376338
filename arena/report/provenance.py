"""Where the numbers come from: the tournament's definition and seed, the prompt version, every model with
its settings, when and where it ran and with which versions, and the resolved config.

The manifest (arena.results.manifest) is already written without credentials; the players' specs
come from the seats table, so they are scrubbed here again before anything is shown.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import yaml

from arena.report.html import Cell, Html, details, head, join, notes, table, tag
from arena.results.definition import scrub

# The settings of a language-model player worth a column; the rest of its spec is in the resolved config.
_SAMPLING = ("temperature", "top_p", "max_tokens")


def player_specs(seats: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Each player's config as stored with its rows (player_spec), credentials removed."""
    specs = seats.drop_duplicates("player")[["player", "player_spec"]]
    return {str(p): scrub(json.loads(spec)) if isinstance(spec, str) else {} for p, spec in specs.itertuples(index=False)}


def provenance_html(manifest: dict[str, Any] | None, seats: pd.DataFrame, order: list[str]) -> Html:
    specs = player_specs(seats)
    facts = _facts(manifest, specs)
    models = [p for p in order if specs.get(p, {}).get("type") == "llm"]
    others = [p for p in order if p in specs and p not in models]
    blocks: list[object] = []
    if manifest is None:
        blocks.append(notes(["This results folder has no manifest.json, so the tournament's config, seed, timing and "
                             "versions are unknown; the players' settings below come from the results tables."]))
    blocks.append(table([], [[Cell(k, header=True), Cell(v)] for k, v in facts],
                        id_="provenance-facts", cls="facts"))
    if models:
        blocks += [tag("h3", "Models and their settings"), _models(models, specs)]
    if others:
        blocks.append(notes(["Scripted players: " + "; ".join(_scripted(p, specs[p]) for p in others) + "."]))
    if manifest is not None:
        config = scrub(manifest.get("tournament", {}))
        blocks.append(details("Resolved tournament config (credentials removed)",
                              tag("pre", yaml.safe_dump(config, sort_keys=False, allow_unicode=True))))
    return join(blocks, "\n")


def _facts(manifest: dict[str, Any] | None, specs: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    prompts = sorted({str(s.get("prompt_version")) for s in specs.values() if s.get("type") == "llm"})
    facts = [("prompt version", ", ".join(prompts) + " (templates: arena.agents.prompts)" if prompts
              else "no language-model players")]
    if manifest is None:
        return facts
    config = manifest.get("tournament", {})
    history = "; ".join(f"{h.get('at')}: {', '.join(h.get('changes', []))}" for h in manifest.get("history", []))
    versions = manifest.get("versions", {})
    counts = manifest.get("counts", {})
    facts = [("tournament", str(config.get("name", ""))), ("definition", str(manifest.get("definition_id", ""))),
             ("seed", str(config.get("seed", ""))), *facts,
             ("ran", f"first started {manifest.get('first_started_at')}; last run started {manifest.get('started_at')}, "
                     f"finished {manifest.get('finished_at') or 'not yet'} ({manifest.get('status')}); "
                     f"{manifest.get('runs')} run(s)"),
             ("host", str(manifest.get("host") or "not recorded")),
             ("versions", ", ".join(f"{k} {v}" for k, v in versions.items())),
             ("episode counts", ", ".join(f"{k}: {v}" for k, v in counts.items()) or "none recorded"),
             ("definition history", history)]
    return [(k, v) for k, v in facts if v]


def _models(players: list[str], specs: dict[str, dict[str, Any]]) -> Html:
    columns = [head("player"), head("model"), *(head(k, num=True) for k in _SAMPLING), head("prompt"),
               head("illegal answers"), head("constrained"), head("backend options")]
    rows = []
    for p in players:
        spec = specs[p]
        attempts = spec.get("max_illegal_attempts")
        policy = f"{attempts} attempt{'' if attempts == 1 else 's'}, then {spec.get('on_illegal')}"
        options = ", ".join(f"{k}={v}" for k, v in (spec.get("backend_options") or {}).items())
        rows.append([Cell(p, cls="name"), Cell(spec.get("model"), cls="wrap"),
                     *(Cell(spec.get(k), num=True) for k in _SAMPLING), Cell(spec.get("prompt_version")),
                     Cell(policy), Cell("yes" if spec.get("constrain_moves") else "no"), Cell(options, cls="wrap")])
    return table(columns, rows, id_="provenance-models")


def _scripted(player: str, spec: dict[str, Any]) -> str:
    settings = ", ".join(f"{k}={v}" for k, v in spec.items() if k not in ("type", "name"))
    return f"{player} ({spec.get('type')}{': ' + settings if settings else ''})"
