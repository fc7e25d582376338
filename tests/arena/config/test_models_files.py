"""Where a tournament's models files are: its own relative paths against its folder, else the shipped ones."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from arena.config.errors import ConfigError
from arena.config.load import load_tournament, load_tournament_dict

REPO = Path(__file__).parents[3]
PLAYERS = "games: [{name: tic_tac_toe}]\nplayers: [{type: random}, {type: random, name: r2}]\n"


@pytest.fixture
def elsewhere(tmp_path, monkeypatch) -> Path:
    """A working directory outside the repository, with no configs/ of its own."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


def test_relative_paths_resolve_against_the_tournament_files_folder(tmp_path, elsewhere):
    folder = tmp_path / "project" / "tournaments"
    (folder / "models").mkdir(parents=True)
    (folder / "models" / "api.yaml").write_text("models: []\n")
    (folder.parent / "vllm.yaml").write_text("models: []\n")
    config = folder / "t.yaml"
    config.write_text(PLAYERS + "litellm_models: models/api.yaml\nvllm_models: ../vllm.yaml\n")
    t = load_tournament(str(config))
    assert t.litellm_models == str(folder / "models" / "api.yaml")
    assert t.vllm_models == str(folder.parent / "vllm.yaml")
    # what the manifest records and workers receive is the resolved path
    assert t.model_dump(mode="json")["litellm_models"] == str(folder / "models" / "api.yaml")


def test_defaults_are_the_files_shipped_with_the_package(tmp_path, elsewhere):
    config = tmp_path / "t.yaml"
    config.write_text(PLAYERS)
    t = load_tournament(str(config))
    assert Path(t.litellm_models) == REPO / "configs" / "litellm_models.yaml"
    assert Path(t.vllm_models) == REPO / "configs" / "vllm_models.yaml"


def test_override_paths_are_relative_to_the_working_directory(tmp_path, elsewhere):
    (elsewhere / "mine.yaml").write_text("models: []\n")
    config = tmp_path / "t.yaml"
    config.write_text(PLAYERS)
    t = load_tournament(str(config), ["litellm_models=mine.yaml"])
    assert t.litellm_models == str(elsewhere / "mine.yaml")
    no_file = load_tournament_dict({"games": [{"name": "tic_tac_toe"}], "format": "match", "vllm_models": "mine.yaml",
                                    "players": [{"type": "random"}, {"type": "random", "name": "b"}]})
    assert no_file.vllm_models == str(elsewhere / "mine.yaml")


@pytest.mark.parametrize("key", ["litellm_models", "vllm_models"])
def test_a_missing_models_file_is_one_line_naming_the_path_tried(key, tmp_path, elsewhere):
    config = tmp_path / "t.yaml"
    config.write_text(PLAYERS + f"{key}: nowhere.yaml\n")
    with pytest.raises(ConfigError) as e:
        load_tournament(str(config))
    assert e.value.path == key
    assert str(e.value).startswith(f"{key}: ") and str(tmp_path / "nowhere.yaml") in str(e.value)
    assert "\n" not in str(e.value)


def test_a_wheel_ships_the_default_models_files_and_finds_them(tmp_path):
    """The cluster recipes install the project as a wheel: its defaults must come with it."""
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("arena", "backends", "cluster", "configs"):
        shutil.copytree(REPO / folder, src / folder, ignore=ignore)
    shutil.copy(REPO / "pyproject.toml", src)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "dist"), str(src)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as z:
        assert {"configs/litellm_models.yaml", "configs/vllm_models.yaml"} <= set(z.namelist())
    subprocess.run([*pip, "install", "--no-deps", "--target", str(tmp_path / "site"), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    probe = ("import arena.config.models as m; t = m.Tournament(format='match', games=[{'name': 'x'}], players=[{'type': 'random'}]);"
             "print(m.__file__); print(t.litellm_models); print(t.vllm_models)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(tmp_path / "site")})
    module, litellm_file, vllm_file = done.stdout.split()
    assert module.startswith(str(tmp_path / "site")), done.stderr
    assert litellm_file == str(tmp_path / "site" / "configs" / "litellm_models.yaml")
    assert vllm_file == str(tmp_path / "site" / "configs" / "vllm_models.yaml")
