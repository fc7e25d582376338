"""GPU-only checks: skipped on machines without an NVIDIA GPU (CI and laptops run the CPU path).

On any machine with an NVIDIA GPU and the CUDA build of vLLM they run with the tiny random-weight model
that `make` builds (models/tiny-llama: nothing is downloaded), which exercises GPU pinning, the
tensor-parallel placement bundles and structured outputs on the GPU. With real weights:
    ARENA_GPU_MODEL=/path/to/hf-model .venv/bin/python -m pytest tests/gpu -q
Tensor parallelism needs at least two GPUs.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gpu


def gpus() -> int:
    if not shutil.which("nvidia-smi"):
        return 0
    done = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True)
    return done.stdout.count("GPU ") if done.returncode == 0 else 0


TINY = Path(__file__).resolve().parents[2] / "models" / "tiny-llama"
MODEL = os.environ.get("ARENA_GPU_MODEL") or str(TINY)
needs_gpu = pytest.mark.skipif(gpus() == 0, reason="no NVIDIA GPU on this machine")
needs_model = pytest.mark.skipif(not (Path(MODEL) / "config.json").exists(),
                                 reason=f"no model at {MODEL}: run make (it builds the tiny model), or set "
                                        "ARENA_GPU_MODEL to a local Hugging Face model directory")


@needs_gpu
@needs_model
@pytest.mark.parametrize("tensor_parallel", [1, 2])
def test_real_weights_play_legal_constrained_moves(tmp_path, tensor_parallel):
    if tensor_parallel > gpus():
        pytest.skip(f"needs {tensor_parallel} GPUs")
    (tmp_path / "vllm_models.yaml").write_text(
        f"models:\n  - name: vllm_gpu\n    model_path: {MODEL}\n    tensor_parallel_size: {tensor_parallel}\n"
        "    max_model_len: 4096\n")
    (tmp_path / "t.yaml").write_text("""
name: gpu
output_dir: out
vllm_models: vllm_models.yaml
games: [{name: tic_tac_toe}, {name: connect_four}]
players:
  - {type: llm, model: vllm_gpu, constrain_moves: true, max_tokens: 16}
  - {type: random}
episodes_per_pairing: 4
""")
    done = subprocess.run([sys.executable, "-m", "arena.cli", "run", "t.yaml", "--no-progress"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    from arena.results import load

    r = load(Path(tmp_path) / "out" / "gpu")
    assert len(r.episodes) == 8 and r.seats[r.seats.player == "vllm_gpu"].illegal_attempts.sum() == 0
