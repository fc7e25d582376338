"""What `arena submit` uploads as the job's working_dir: the resolved tournament and the files it names.

The tournament file may live anywhere on the researcher's machine. The job gets `tournament.yaml` (the
file with every `--override` applied) and a copy of each models file the tournament names, referred to by
its new name; the nodes run the project installed on them. With `dev=True` the folder also carries this
checkout's packages (arena, backends, cluster, configs), which the job imports before the installed ones:
for people changing the project itself. Nothing secret is copied: `.env` and keys stay on this machine.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from arena.config.errors import ConfigError
from arena.config.files import MODELS_FILES
from arena.config.load import load_tournament
from arena.config.models import Tournament
from arena.config.overrides import apply_overrides, override_keys

PROJECT = Path(__file__).resolve().parents[1]
DEV_PACKAGES = ("arena", "backends", "cluster", "configs")
TOURNAMENT_FILE = "tournament.yaml"
_WEIGHT_PATHS = ("model_path", "tokenizer_path")


@dataclass(frozen=True)
class JobFolder:
    path: Path
    tournament: Tournament
    shipped: tuple[str, ...]  # the models files copied in, by their name in the folder


def build_job_folder(config: str, overrides: Sequence[str], folder: Path, dev: bool = False) -> JobFolder:
    """Fill the empty `folder` with what the job needs; every problem is a one-line ConfigError before
    anything is submitted."""
    t = load_tournament(config, list(overrides))
    with open(config, encoding="utf-8") as f:
        data = apply_overrides(yaml.safe_load(f), list(overrides))
    named = set(data) | set(override_keys(list(overrides)))
    shipped = []
    for key, name in MODELS_FILES.items():
        if key not in named:
            continue  # the cluster's own copy of the file shipped with the package, as a run there would use
        source = Path(getattr(t, key))
        if key == "vllm_models":
            _check_weight_paths(source)
        shutil.copyfile(source, folder / name)
        data[key] = name
        shipped.append(name)
    (folder / TOURNAMENT_FILE).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    if dev:
        for package in DEV_PACKAGES:
            shutil.copytree(PROJECT / package, folder / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return JobFolder(folder, load_tournament(str(folder / TOURNAMENT_FILE), notify=None), tuple(shipped))


def _check_weight_paths(path: Path) -> None:
    """A relative weights path would be read against the job's temporary folder on the cluster."""
    entries = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models") or []
    for entry in entries:
        for key in _WEIGHT_PATHS:
            value = entry.get(key) if isinstance(entry, dict) else None
            if value and not Path(str(value)).expanduser().is_absolute():
                raise ConfigError(f"{path}: {entry.get('name')}: {key} {value} is relative; a submitted vllm models "
                                  "file needs the weights' absolute path on the cluster's nodes")
