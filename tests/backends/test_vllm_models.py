"""configs/vllm_models.yaml in the Board Game Arena shape; paths against the file; model directories."""

from pathlib import Path

import pytest

from backends.vllm.models import VLLMConfigError, VLLMEntry, check_model_dir, find_vllm_entry, read_vllm_models

REPO = Path(__file__).resolve().parents[2]


def model_dir(path: Path, *, config: bool = True, tokenizer: str | None = "tokenizer.json") -> Path:
    path.mkdir(parents=True)
    if config:
        (path / "config.json").write_text("{}")
    if tokenizer:
        (path / tokenizer).write_text("{}")
    return path


def test_bga_shape_reads_and_relative_paths_follow_the_file(tmp_path, monkeypatch):
    (tmp_path / "configs").mkdir()
    path = tmp_path / "configs" / "vllm_models.yaml"
    path.write_text(
        "models:\n"
        "  - name: vllm_Qwen2-7B-Instruct\n    model_path: /models/qwen\n    tokenizer_path: /models/qwen-tok\n"
        "    description: Qwen2 7B\n"
        "  - name: vllm_tiny\n    model_path: ../models/tiny\n"
    )
    monkeypatch.chdir("/")  # the working directory must not matter
    models = read_vllm_models(path)
    qwen = find_vllm_entry(models, "vllm_Qwen2-7B-Instruct", path)
    assert (qwen.model_path, qwen.tokenizer_path, qwen.description) == ("/models/qwen", "/models/qwen-tok", "Qwen2 7B")
    assert qwen.model_id == "Qwen2-7B-Instruct" and qwen.arena_name == "vllm_Qwen2-7B-Instruct"
    tiny = find_vllm_entry(models, "vllm_tiny", path)
    assert tiny.model_path == tiny.tokenizer_path == str(tmp_path / "models" / "tiny")
    assert tiny.num_replicas is None and tiny.autoscaling is None and tiny.tensor_parallel_size == 1
    with pytest.raises(VLLMConfigError, match=r"'vllm_other' is not listed in .*vllm_models.yaml; add it"):
        find_vllm_entry(models, "vllm_other", path)
    with pytest.raises(VLLMConfigError, match=r"absent.yaml: no such models file"):
        read_vllm_models(tmp_path / "absent.yaml")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("  - name: vllm_x\n    model_path: /m\n    gpu: 1\n", r"m.yaml: models.0.gpu: Extra inputs are not permitted"),
        ("  - name: vllm_x\n    model_path: /m\n    num_replicas: 2\n    autoscaling: {max_replicas: 3}\n",
         r"m.yaml: models.0: set num_replicas or autoscaling, not both"),
        ("  - name: vllm_x\n    model_path: /m\n    autoscaling: {min_replicas: 3, max_replicas: 2}\n",
         r"models.0.autoscaling: max_replicas 2 is below min_replicas 3"),
        ("  - name: vllm_x\n    model_path: /m\n    engine_kwargs: {max_model_len: 9}\n",
         r"models.0.engine_kwargs: max_model_len has its own key in the entry \(max_model_len\)"),
        ("  - name: vllm_x\n    model_path: /m\n    engine_kwargs: {served_model_name: y}\n",
         r"served_model_name is set by Ray Serve LLM"),
        ("  - name: vllm_x\n    model_path: /m\n    engine_kwargs: {tokenizer: /t}\n",
         r"tokenizer has its own key in the entry \(tokenizer_path\)"),
        ("  - name: vllm_x\n    model_path: /m\n    dtype: fp8\n", r"models.0.dtype: Input should be 'auto'"),
        ("  - name: vllm_\n    model_path: /m\n", r"'vllm_' names no model"),
        ("  - name: vllm_x\n", r"models.0.model_path: Field required"),
    ],
)
def test_bad_entries_give_one_line_errors_naming_the_file(tmp_path, body, message):
    path = tmp_path / "m.yaml"
    path.write_text("models:\n" + body)
    with pytest.raises(VLLMConfigError, match=message) as caught:
        read_vllm_models(path)
    assert "\n" not in str(caught.value)


def test_check_model_dir_names_the_path_and_what_is_missing(tmp_path):
    path = tmp_path / "configs" / "vllm_models.yaml"
    path.parent.mkdir()
    good = model_dir(tmp_path / "models" / "good")
    model_dir(tmp_path / "models" / "no-config", config=False)
    model_dir(tmp_path / "models" / "no-tokenizer", tokenizer=None)
    model_dir(tmp_path / "models" / "old-tokenizer", tokenizer="tokenizer_config.json")
    (tmp_path / "models" / "a-file").write_text("")
    lines = [f"  - name: vllm_{n}\n    model_path: ../models/{n}\n"
             for n in ["good", "no-config", "no-tokenizer", "old-tokenizer", "a-file", "absent"]]
    lines.append("  - name: vllm_split\n    model_path: ../models/good\n    tokenizer_path: ../models/no-tokenizer\n")
    path.write_text("models:\n" + "".join(lines))
    models = read_vllm_models(path)

    def check(name: str):
        return check_model_dir(find_vllm_entry(models, name, path), path)

    assert check("vllm_good").model_path == str(good)
    assert check("vllm_old-tokenizer").tokenizer_path == str(tmp_path / "models" / "old-tokenizer")
    no_config = tmp_path / "models" / "no-config"
    for name, message in [
        ("vllm_no-config", f"{path}: vllm_no-config: model_path {no_config} has no config.json"),
        ("vllm_no-tokenizer", "tokenizer_path .*no-tokenizer has no tokenizer.json or tokenizer_config.json"),
        ("vllm_a-file", "model_path .*a-file is not a directory"),
        ("vllm_absent", f"vllm_absent: model_path {tmp_path / 'models' / 'absent'} does not exist"),
        ("vllm_split", "vllm_split: tokenizer_path .*no-tokenizer has no tokenizer.json"),
    ]:
        with pytest.raises(VLLMConfigError, match=message) as caught:
            check(name)
        assert "\n" not in str(caught.value)


def test_check_model_dir_resolves_an_entry_built_by_hand(tmp_path):
    model_dir(tmp_path / "m")
    entry = check_model_dir(VLLMEntry(name="vllm_m", model_path="m"), tmp_path / "file.yaml")
    assert entry.model_path == entry.tokenizer_path == str(tmp_path / "m")


def test_the_shipped_file_reads_and_points_at_the_tiny_model_builders_output():
    path = REPO / "configs" / "vllm_models.yaml"
    tiny = find_vllm_entry(read_vllm_models(path), "vllm_tiny", path)
    assert tiny.model_path == str(REPO / "models" / "tiny-llama")
