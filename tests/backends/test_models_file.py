"""configs/litellm_models.yaml in the Board Game Arena shape and with mappings; keys from .env."""

import os

import pytest

from backends import keys
from backends.litellm.models import ModelEntry, ModelsFileError, find_entry, read_models_file


def test_bga_shape_and_mappings(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("models:\n  - litellm_groq/llama3-8b-8192\n  - name: litellm_openai/x\n"
                    "    api_base: http://127.0.0.1:9/v1\n    rpm: 10\n    extra: {top_k: 3}\n")
    models = read_models_file(path)
    entry = find_entry(models, "litellm_groq/llama3-8b-8192", path)
    assert entry.litellm_model == "groq/llama3-8b-8192" and entry.api_base is None
    custom = find_entry(models, "litellm_openai/x", path)
    assert custom.rpm == 10 and custom.extra == {"top_k": 3}
    with pytest.raises(ModelsFileError, match=r"not listed in .*m.yaml; add it under 'models:'"):
        find_entry(models, "litellm_gpt-4", path)


def test_allow_any_model_and_bad_files(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("allow_any_model: true\nmodels: []\n")
    assert find_entry(read_models_file(path), "litellm_gpt-4", path).litellm_model == "gpt-4"
    path.write_text("models:\n  - name: litellm_x\n    rpm: lots\n")
    with pytest.raises(ModelsFileError, match=r"models.0.rpm"):
        read_models_file(path)
    with pytest.raises(ModelsFileError, match=r"absent.yaml: no such models file"):
        read_models_file(tmp_path / "absent.yaml")


def test_the_shipped_models_file_reads():
    assert len(read_models_file("configs/litellm_models.yaml").models) >= 5


def test_key_variables_missing_keys_and_dotenv(tmp_path, monkeypatch):
    for name in ["GROQ_API_KEY", "TOGETHER_API_KEY", "TOGETHERAI_API_KEY", "MY_KEY"]:
        monkeypatch.delenv(name, raising=False)
    groq = ModelEntry(name="litellm_groq/llama3-8b-8192")
    assert keys.missing_key(groq) == "GROQ_API_KEY"
    together = ModelEntry(name="litellm_together_ai/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo")
    assert keys.missing_key(together) == "TOGETHER_API_KEY"  # Board Game Arena's name first
    monkeypatch.setenv("TOGETHERAI_API_KEY", "tok-12345678")
    assert keys.missing_key(together) is None and keys.api_key(together) == "tok-12345678"
    own_server = ModelEntry(name="litellm_openai/x", api_base="http://127.0.0.1:9/v1")
    assert keys.missing_key(own_server) is None and keys.api_key(own_server) == keys.NO_KEY
    named = ModelEntry(name="litellm_openai/x", api_base="http://127.0.0.1:9/v1", api_key_env="MY_KEY")
    assert keys.missing_key(named) == "MY_KEY"

    (tmp_path / ".env").write_text("GROQ_API_KEY=gsk_from_dotenv_123\nMY_KEY=from-dotenv\n")
    monkeypatch.setenv("MY_KEY", "from-environment")
    keys.load_dotenv(tmp_path)
    try:
        assert os.environ["GROQ_API_KEY"] == "gsk_from_dotenv_123"
        assert os.environ["MY_KEY"] == "from-environment"  # the environment wins
        assert keys.missing_key(groq) is None
    finally:
        os.environ.pop("GROQ_API_KEY", None)
