"""Entry -> Ray Serve LLM config as a pure function: no Ray instance, no model, no GPU.

Besides our own fields, each test reads what Serve LLM derives from them (its vLLM engine
config: placement bundles, strategy, engine arguments), which also proves every engine
argument we emit is one vLLM 0.32 knows.
"""

import pytest

from backends.vllm.models import Autoscaling, VLLMConfigError, VLLMEntry
from backends.vllm.serve_config import CPU_MEMORY_SHARE, llm_config


def entry(**settings) -> VLLMEntry:
    return VLLMEntry(**{"name": "vllm_Llama-3.1-8B", "model_path": "/models/llama", **settings})


def test_gpu_tensor_parallel_gets_one_gpu_bundle_per_worker_on_one_node():
    config = llm_config(entry(accelerator_type="H100", tensor_parallel_size=4), gpu_available=True)
    assert config.accelerator_type == "H100"
    assert config.placement_group_config == {"bundles": [{"GPU": 1}] * 4, "strategy": "STRICT_PACK"}
    engine = config.get_engine_config()
    assert engine.placement_strategy == "STRICT_PACK"
    assert engine.placement_bundles == [{"GPU": 1, "accelerator_type:H100": 0.001}] * 4
    kwargs = engine.get_initialization_kwargs()
    assert kwargs["tensor_parallel_size"] == 4 and kwargs["distributed_executor_backend"] == "ray"
    assert "gpu_memory_utilization" not in kwargs  # vLLM's own default on a GPU
    # the arena name without vllm_ is what Serve exposes; the weights come from the absolute path
    assert config.model_id == "Llama-3.1-8B" and kwargs["served_model_name"] == ["Llama-3.1-8B"]
    assert kwargs["model"] == kwargs["tokenizer"] == "/models/llama"


def test_gpu_without_accelerator_type_runs_on_any_gpu():
    config = llm_config(entry(), gpu_available=True)
    assert config.accelerator_type is None
    assert config.get_engine_config().placement_bundles == [{"GPU": 1}]


def test_cpu_gets_a_cpu_bundle_no_accelerator_and_a_small_ram_share():
    config = llm_config(entry(accelerator_type="H100"), gpu_available=False)  # a GPU file used on a laptop
    assert config.accelerator_type is None
    assert config.placement_group_config == {"bundles": [{"CPU": 1}]}
    engine = config.get_engine_config()
    assert engine.placement_bundles == [{"CPU": 1}]
    kwargs = engine.get_initialization_kwargs()
    assert kwargs["gpu_memory_utilization"] == CPU_MEMORY_SHARE == 0.15
    assert kwargs["distributed_executor_backend"] == "mp" and "dtype" not in kwargs
    chosen = llm_config(entry(gpu_memory_utilization=0.3), gpu_available=False)
    assert chosen.engine_kwargs["gpu_memory_utilization"] == 0.3


def test_cpu_refuses_parallel_workers():
    with pytest.raises(VLLMConfigError, match=r"^vllm_Llama-3.1-8B: 2 engine workers .* need GPUs; none is available$"):
        llm_config(entry(tensor_parallel_size=2), gpu_available=False)
    with pytest.raises(VLLMConfigError, match="3 engine workers"):
        llm_config(entry(engine_kwargs={"pipeline_parallel_size": 3}), gpu_available=False)


def test_pipeline_parallel_workers_each_get_a_gpu():
    config = llm_config(entry(tensor_parallel_size=2, engine_kwargs={"pipeline_parallel_size": 2}), gpu_available=True)
    assert config.get_engine_config().placement_bundles == [{"GPU": 1}] * 4


def test_autoscaling_always_sets_a_target_that_scales():
    config = llm_config(entry(autoscaling=Autoscaling(min_replicas=1, max_replicas=4)), gpu_available=True)
    scaling = config.deployment_config["autoscaling_config"]
    assert scaling == {"min_replicas": 1, "max_replicas": 4, "target_ongoing_requests": 32}
    assert "num_replicas" not in config.deployment_config
    own = llm_config(entry(autoscaling=Autoscaling(max_replicas=2, target_ongoing_requests=8)), gpu_available=True)
    assert own.deployment_config["autoscaling_config"]["target_ongoing_requests"] == 8


def test_replicas_fixed_when_given_and_one_by_default():
    assert llm_config(entry(num_replicas=3), gpu_available=True).deployment_config == {"name": "arena-Llama-3.1-8B", "num_replicas": 3}
    assert llm_config(entry(), gpu_available=False).deployment_config == {"name": "arena-Llama-3.1-8B", "num_replicas": 1}


def test_typed_settings_and_engine_kwargs_merge():
    config = llm_config(
        entry(tokenizer_path="/models/tok", max_model_len=4096, dtype="bfloat16", gpu_memory_utilization=0.8,
              engine_kwargs={"enforce_eager": True, "enable_prefix_caching": True}),
        gpu_available=True,
    )
    kwargs = config.get_engine_config().get_initialization_kwargs()
    assert {k: kwargs[k] for k in ["tokenizer", "max_model_len", "dtype", "gpu_memory_utilization",
                                   "enforce_eager", "enable_prefix_caching"]} == {
        "tokenizer": "/models/tok", "max_model_len": 4096, "dtype": "bfloat16", "gpu_memory_utilization": 0.8,
        "enforce_eager": True, "enable_prefix_caching": True}
    # a typed setting repeated in engine_kwargs is refused when the entry is built (see test_vllm_models)


def test_bad_values_become_one_line_errors_naming_the_entry():
    with pytest.raises(VLLMConfigError, match=r"^vllm_Llama-3.1-8B: Unsupported accelerator type: H9000$"):
        llm_config(entry(accelerator_type="H9000"), gpu_available=True)
    with pytest.raises(VLLMConfigError, match=r"^vllm_Llama-3.1-8B: model_path models/llama is relative; read the entry"):
        llm_config(entry(model_path="models/llama"), gpu_available=True)


def test_our_server_class_and_no_per_request_metrics_unless_asked():
    from backends.vllm.server import ArenaLLMServer

    config = llm_config(entry(), gpu_available=False)
    assert config.server_cls is ArenaLLMServer
    assert config.log_engine_metrics is False and config.engine_kwargs["disable_log_stats"] is True
    metered = llm_config(entry(engine_metrics=True), gpu_available=False)
    assert metered.log_engine_metrics is True and metered.engine_kwargs["disable_log_stats"] is False
    # vLLM's own stats without the Prometheus export: the entry's engine_kwargs decide
    logged = llm_config(entry(engine_kwargs={"disable_log_stats": False}), gpu_available=False)
    assert logged.log_engine_metrics is False and logged.engine_kwargs["disable_log_stats"] is False
