"""The Serve deployment class of every vllm_* model: Ray Serve LLM's LLMServer, its OpenAI routes unchanged,
plus one lean method for the tournament's own calls.

A replica is one Python process in front of the engine, and every request's Python work there is serial.
Profiled under a 64-episode load (docs/benchmarks.md, bench/vllm_serving.py), about half of it was the
OpenAI chat layer, the chat template and tokenising, detokenising every generated token and per-step
metrics. The players do the template, the tokenising and the final decode in their own workers
(backends/vllm/chat_tokens.py, spread over the cluster's CPUs) and call `generate_ids` with token ids; the
replica then only checks the sampling settings and hands the request to the engine.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from ray.serve.llm import LLMServer

# Files that are a model's weights, never a tokenizer's: not sent to the players.
_WEIGHTS = (".safetensors", ".bin", ".pt", ".pth", ".gguf", ".msgpack", ".h5", ".onnx")
_MAX_FILE_BYTES = 64 << 20
# vLLM's chat route: a request's value, else the model's generation_config, else these (OpenAI's defaults).
_OPENAI_DEFAULTS = {"repetition_penalty": 1.0, "presence_penalty": 0.0, "frequency_penalty": 0.0,
                    "temperature": 1.0, "top_p": 1.0, "top_k": 0, "min_p": 0.0}


class ArenaLLMServer(LLMServer):
    """LLMServer with `generate_ids` (token ids in, token ids out), `tokenizer_files` and `serving_facts`."""

    def _engine_client(self):
        # The AsyncLLM that LLMServer's VLLMEngine started; Serve LLM has no public accessor for it.
        client = getattr(self.engine, "_engine_client", None)
        if client is None:
            raise RuntimeError("Ray Serve LLM's vLLM engine has no _engine_client; this Ray version is not supported "
                               "by backends/vllm/server.py")
        return client

    async def generate_ids(self, prompt_token_ids: list[int], sampling: dict[str, Any]) -> dict[str, Any]:
        """One completion of an already rendered and tokenised chat. `sampling`: temperature, top_p, max_tokens,
        seed (None: as vLLM's chat route decides) and constraint (vLLM structured outputs: {"choice": [...]} or
        {"regex": ...}, or None). Returns {"token_ids", "prompt_tokens", "finish_reason"}, or {"error": {"code",
        "message"}} for a request vLLM refuses (too long, bad settings); engine failures raise."""
        from vllm.exceptions import VLLMClientError
        from vllm.inputs import TokensPrompt
        from vllm.sampling_params import (
            RequestOutputKind,
            SamplingParams,
            StructuredOutputsParams,
        )

        client = self._engine_client()
        try:
            defaults = self._defaults(client)
            limit = client.model_config.max_model_len - len(prompt_token_ids)
            if limit <= 0:
                raise ValueError(f"Input length ({len(prompt_token_ids)}) exceeds model's maximum context length "
                                 f"({client.model_config.max_model_len}).")
            wanted = sampling.get("max_tokens") or defaults.get("max_tokens") or limit
            constraint = sampling.get("constraint")
            params = SamplingParams.from_optional(
                **{name: sampling[name] if sampling.get(name) is not None else defaults.get(name, default)
                   for name, default in _OPENAI_DEFAULTS.items()},
                seed=sampling.get("seed"), max_tokens=min(wanted, limit),
                stop_token_ids=defaults.get("stop_token_ids"),
                structured_outputs=StructuredOutputsParams(**constraint) if constraint else None,
                # The player decodes the answer once; per-token detokenising here is the cost this avoids.
                detokenize=False, output_kind=RequestOutputKind.FINAL_ONLY)
            # Rendered as vLLM's completions route renders a token-ids prompt (no text, no tokenising).
            (prompt,) = client.renderer.render_cmpl([TokensPrompt(prompt_token_ids=prompt_token_ids)])
            final = None
            async for output in client.generate(prompt, params, uuid.uuid4().hex):
                final = output
        except (ValueError, TypeError, VLLMClientError) as e:
            return {"error": {"code": 400, "message": str(e).splitlines()[0] if str(e) else type(e).__name__}}
        if final is None or not final.outputs:
            return {"error": {"code": 500, "message": "the engine finished the request without an output"}}
        answer = final.outputs[0]
        return {"token_ids": list(answer.token_ids), "prompt_tokens": len(prompt_token_ids),
                "finish_reason": answer.finish_reason}

    def _defaults(self, client) -> dict[str, Any]:
        if not hasattr(self, "_sampling_defaults"):
            self._sampling_defaults = client.model_config.get_diff_sampling_param()
        return self._sampling_defaults

    async def tokenizer_files(self) -> dict[str, bytes]:
        """The files of the tokenizer this replica serves with (its directory's top level, no weights), so a
        player on any node renders and tokenises exactly as the replica would."""
        folder = Path(self._llm_config.engine_kwargs.get("tokenizer") or self._llm_config.model_loading_config.model_source)
        return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
                if p.is_file() and not p.name.endswith(_WEIGHTS) and p.stat().st_size <= _MAX_FILE_BYTES}

    async def serving_facts(self) -> dict[str, Any]:
        """What the engine decided at start-up that a user may want to check: prefix caching, context length."""
        client = self._engine_client()
        return {"prefix_caching": bool(client.vllm_config.cache_config.enable_prefix_caching),
                "max_model_len": client.model_config.max_model_len,
                "log_stats": bool(getattr(client, "log_stats", False))}
