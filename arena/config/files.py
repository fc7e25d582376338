"""Where a tournament's models files are, wherever `arena` is started.

A path written in a tournament file is read against that file's folder; one given on the
command line (`--override`, or no tournament file at all) against the working directory.
A tournament that names none gets the file shipped with the package: `configs/` beside the
`arena` package, which is the project folder in a checkout or an editable install, site-packages
when installed from a wheel (the nodes of a cluster), and the job's folder under `arena submit --dev`.
"""

from __future__ import annotations

import os
from pathlib import Path

SHIPPED = Path(__file__).resolve().parents[2] / "configs"
MODELS_FILES = {"litellm_models": "litellm_models.yaml", "vllm_models": "vllm_models.yaml"}


def shipped(key: str) -> str:
    """The models file of that tournament key that comes with the package, e.g. shipped('litellm_models')."""
    return str(SHIPPED / MODELS_FILES[key])


def resolve(path: str, base: Path) -> str:
    """`path` as an absolute path: unchanged when absolute (after ~), else against the folder `base`."""
    p = Path(path).expanduser()
    return p.as_posix() if p.is_absolute() else os.path.normpath(base.absolute() / p)
