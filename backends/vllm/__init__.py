"""vllm_* models: self-hosted weights served by vLLM on Ray Serve, called through a deployment handle."""
