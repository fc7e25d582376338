"""The bare call of a vllm_* model: requests go to its Ray Serve deployment through a handle, in-process.

Every episode of the tournament shares the deployment, so vLLM batches their requests.
No HTTP port is needed inside the cluster. The chat is rendered and tokenised here, in the player's worker,
and the answer's token ids decoded here: the replica only schedules (backends/vllm/server.py says why).
"""

from __future__ import annotations

import asyncio
import json
import re

from arena.chat import ChatRequest, ErrorClass
from backends.errors import Classified
from backends.vllm.chat_tokens import ChatTokens, NoChatTemplate, built, chat_tokens
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
        self._tokens_lock: asyncio.Lock | None = None

    def __reduce__(self):  # handles are rebuilt in each process
        return VLLMCall, (self.name, self.app_name, self.json_constraint)

    def handle(self):
        if self._handle is None:
            from ray import serve

            self._handle = serve.get_deployment_handle(self.deployment(), app_name=self.app_name)
        return self._handle

    async def tokens(self) -> ChatTokens:
        """The replica's tokenizer in this process; its files are fetched once (one fetch per process and model)."""
        key = f"{self.app_name}/{self.model_id}"
        if (found := built(key)) is not None:
            return found
        if self._tokens_lock is None:
            self._tokens_lock = asyncio.Lock()
        async with self._tokens_lock:
            if (found := built(key)) is None:
                files = await self.handle().tokenizer_files.remote()
                found = await asyncio.to_thread(chat_tokens, key, files)
        return found

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
        tokens = await self.tokens()
        s = request.sampling
        sampling = dict(temperature=s.temperature, top_p=s.top_p, max_tokens=s.max_tokens, seed=s.seed,
                        constraint=constraint(request, self.json_constraint)
                        if request.constrain and request.legal_moves else None)
        answer = await self.handle().generate_ids.remote(tokens.prompt_ids(request.messages), sampling)
        if "error" in answer:
            raise VLLMError(answer["error"].get("code"), answer["error"].get("message", "vLLM refused the request"))
        return Reply(text=tokens.text(answer["token_ids"]), prompt_tokens=answer["prompt_tokens"],
                     completion_tokens=len(answer["token_ids"]))


class VLLMError(Exception):
    def __init__(self, code, message: str):
        super().__init__(message)
        self.code = code


def classify(exc: BaseException) -> Classified:
    """vLLM's own error answers by code, a tokenizer without a chat template fatal; Ray's errors (replica
    restarting, deployment gone) are transient."""
    message = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]
    if isinstance(exc, NoChatTemplate):
        return Classified(ErrorClass.FATAL, message)
    if isinstance(exc, VLLMError):
        code = exc.code if isinstance(exc.code, int) else 500
        if code == 404:
            return Classified(ErrorClass.FATAL, f"model not found on its deployment: {message}", status=code)
        if 400 <= code < 500 or any(c in str(exc).lower() for c in _CONTEXT):
            return Classified(ErrorClass.REQUEST, message, status=code)
    return Classified(ErrorClass.TRANSIENT, message)
