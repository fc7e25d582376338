"""The bare call of a vllm_* model: requests go to its Ray Serve deployment through a handle, in-process.

Every episode of the tournament shares the deployment, so vLLM batches their requests.
No HTTP port is needed inside the cluster.
"""

from __future__ import annotations

import json
import re

from arena.chat import ChatRequest, ErrorClass
from backends.errors import Classified
from backends.vllm.models import PREFIX, deployment_name
from backends.wrapper import Reply

_CONTEXT = ("maximum context length", "context length", "too long")


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


class VLLMCall:
    """The bare call of one vllm_* model: a ChatRequest through its deployment handle, the answer back.

    Timing and retries are backends/wrapper.py's. The handle is found by the deployment name we set
    (backends/vllm/models.py deployment_name) among the deployments Serve reports for the application,
    once per process; only public Ray Serve APIs are used."""

    def __init__(self, model: str, app_name: str, json_constraint: bool = False):
        self.name, self.model_id, self.app_name = model, model_id_of(model), app_name
        self.json_constraint = json_constraint
        self._handle = None

    def __reduce__(self):  # handles are rebuilt in each process
        return VLLMCall, (self.name, self.app_name, self.json_constraint)

    def handle(self):
        if self._handle is None:
            from ray import serve

            self._handle = serve.get_deployment_handle(self.deployment(), app_name=self.app_name).options(stream=True)
        return self._handle

    def deployment(self) -> str:
        """Serve's name of the deployment we named; Serve LLM may put its server class before it."""
        from ray import serve

        ours = deployment_name(self.model_id)
        app = serve.status().applications.get(self.app_name)
        names = list(app.deployments) if app else []
        for name in names:
            if name == ours or name.endswith(":" + ours):
                return name
        raise VLLMError(404, f"no deployment {ours} in the Serve application {self.app_name} "
                             f"(it has {', '.join(names) or 'none'}); deploy the model (arena serve up)")

    def refuse(self, request: ChatRequest) -> str | None:
        return None

    def classify(self, exc: BaseException) -> Classified:
        return classify(exc)

    async def __call__(self, request: ChatRequest) -> Reply:
        from vllm.entrypoints.openai.chat_completion.protocol import (
            ChatCompletionRequest,
        )

        s = request.sampling
        body = dict(model=self.model_id, messages=request.messages, temperature=s.temperature, top_p=s.top_p,
                    max_tokens=s.max_tokens, seed=s.seed)
        if request.constrain and request.legal_moves:
            body["structured_outputs"] = constraint(request, self.json_constraint)
        responses = [r async for r in self.handle().chat.remote(ChatCompletionRequest(**body))]
        response = responses[-1] if responses else None
        error = getattr(response, "error", None) if response is not None else "no response"
        if error is not None:
            raise VLLMError(getattr(error, "code", None), getattr(error, "message", str(error)))
        usage = response.usage
        return Reply(text=response.choices[0].message.content or "", prompt_tokens=usage.prompt_tokens,
                     completion_tokens=usage.completion_tokens or 0)


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
