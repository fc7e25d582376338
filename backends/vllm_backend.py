"""vllm_* models: requests go to the model's Ray Serve deployment through a handle, in-process.

Every episode of the tournament shares the deployment, so vLLM batches their requests.
No HTTP port is needed inside the cluster.
"""

from __future__ import annotations

import json
import re
import time

from arena.chat import ChatRequest, ChatResult, ErrorClass
from arena.config.errors import PlayerOptionError, show
from arena.config.models import LLMPlayer
from backends.errors import Classified
from backends.retry import RetryPolicy, with_retries

PREFIX = "vllm_"
_CONTEXT = ("maximum context length", "context length", "too long")
CONSTRAINTS = ("choice", "json")  # backend_options.constraint: the form constrain_moves takes


def check_options(spec: LLMPlayer) -> None:
    """Refuse options this backend would ignore: any but `constraint`, and that one without constrain_moves."""
    who = f"player '{spec.display_name}' ({spec.model})"
    for key, value in spec.backend_options.items():
        if key != "constraint":
            raise PlayerOptionError(f"backend_options.{key}", f"{who}: unknown option '{key}'; vllm_* models take "
                                    "only constraint: choice|json (serving settings go in the vllm models file)")
        if value not in CONSTRAINTS:
            raise PlayerOptionError("backend_options.constraint", f"{who}: constraint must be choice or json, "
                                    f"got {show(value)}")
        if not spec.constrain_moves:
            raise PlayerOptionError("backend_options.constraint", f"{who}: constraint applies only with "
                                    "constrain_moves: true; set it or remove the option")


def json_constraint(spec: LLMPlayer) -> bool:
    return spec.backend_options.get("constraint", "choice") == "json"


def deployment_name(model_id: str) -> str:
    # Serve LLM names the deployment this way (ray/llm/_internal/serve/core/server/builder.py).
    return "LLMServer:" + model_id.replace("/", "--").replace(".", "_")


def model_id_of(model: str) -> str:
    return model[len(PREFIX):] if model.startswith(PREFIX) else model


def constraint(request: ChatRequest, json_answer: bool) -> dict:
    """vLLM structured outputs: only legal moves. As a bare choice (the default) the model answers
    with the label alone, which always parses. The JSON form (`backend_options: {constraint: json}`)
    is the answer format of the prompt, {"action": <a legal label>, "reasoning": <up to 200
    characters>}, written as a regex: a JSON-schema grammar lets a weak model pad with whitespace
    until max_tokens runs out."""
    if not json_answer:
        return {"choice": list(request.legal_moves)}
    labels = "|".join(re.escape(json.dumps(label)) for label in request.legal_moves)
    text = r"[ !#-\[\]-~]{0,200}"  # printable ASCII but quote and backslash: always a valid JSON string
    return {"regex": r'\{"action": (' + labels + r')(, "reasoning": "' + text + r'")?\}'}


class VLLMHandleBackend:
    def __init__(self, model: str, app_name: str, json_constraint: bool = False, policy: RetryPolicy | None = None):
        self.model, self.model_id, self.app_name = model, model_id_of(model), app_name
        self.json_constraint = json_constraint
        self.policy = policy or RetryPolicy()
        self._handle = None

    def __reduce__(self):  # handles are rebuilt in each process
        return VLLMHandleBackend, (self.model, self.app_name, self.json_constraint)

    def handle(self):
        if self._handle is None:
            from ray import serve

            self._handle = serve.get_deployment_handle(deployment_name(self.model_id), app_name=self.app_name).options(
                stream=True)
        return self._handle

    async def chat(self, request: ChatRequest) -> ChatResult:
        from vllm.entrypoints.openai.chat_completion.protocol import ChatCompletionRequest

        s = request.sampling
        body = dict(model=self.model_id, messages=request.messages, temperature=s.temperature, top_p=s.top_p,
                    max_tokens=s.max_tokens, seed=s.seed)
        if request.constrain and request.legal_moves:
            body["structured_outputs"] = constraint(request, self.json_constraint)
        timing = {}

        async def call():
            started = time.perf_counter()
            responses = [r async for r in self.handle().chat.remote(ChatCompletionRequest(**body))]
            timing["latency"] = time.perf_counter() - started
            response = responses[-1] if responses else None
            error = getattr(response, "error", None) if response is not None else "no response"
            if error is not None:
                raise VLLMError(getattr(error, "code", None), getattr(error, "message", str(error)))
            return response

        outcome = await with_retries(call, classify, self.policy)
        if outcome.failure is not None:
            return ChatResult(error_class=outcome.failure.error_class, error=outcome.failure.message,
                              latency_s=timing.get("latency", 0.0))
        response = outcome.value
        usage = response.usage
        return ChatResult(text=response.choices[0].message.content or "", prompt_tokens=usage.prompt_tokens,
                          completion_tokens=usage.completion_tokens or 0, latency_s=timing["latency"])


class VLLMError(Exception):
    def __init__(self, code, message: str):
        super().__init__(message)
        self.code = code


def classify(exc: BaseException) -> Classified:
    """vLLM's own error answers by code; Ray's errors (replica restarting, deployment gone) are transient."""
    message = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]
    if isinstance(exc, VLLMError):
        code = exc.code if isinstance(exc.code, int) else 500
        if code == 404:
            return Classified(ErrorClass.FATAL, f"model not found on its deployment: {message}", status=code)
        if 400 <= code < 500 or any(c in str(exc).lower() for c in _CONTEXT):
            return Classified(ErrorClass.REQUEST, message, status=code)
    return Classified(ErrorClass.TRANSIENT, message)
