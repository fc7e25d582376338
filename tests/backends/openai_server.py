"""A fake OpenAI-compatible chat server with fault injection, run as a subprocess (stdlib + aiohttp).

`python tests/backends/openai_server.py --port 0 --mode '{"latency_ms": 50}'` binds 127.0.0.1 and prints
`PORT <n>` first. It answers `{"action": "<a legal move>"}` from the JSON list after the last `Legal moves:`
of the last user message. A request that constrains the answer is obeyed as constrained decoding would: an
OpenAI `response_format` JSON schema whose "action" is an enum gets `{"action": <one of them>}`, vLLM's
`structured_outputs: {choice: [...]}` gets one of the choices bare; neither is ever a wrong answer.
`POST /control` merges a JSON mode (keys of DEFAULT_MODE); `GET /stats[?window_s=1]` counts requests (and
shows the last body received), `POST /stats/reset` zeroes them. Tests and benchmarks use `start_server(**mode)`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter, deque

DEFAULT_MODE: dict = {
    "model": "test-model",  # listed by /v1/models
    "latency_ms": 0,  # sleep before every answer, errors included
    "hang_s": 0,  # further sleep before every answer (client timeouts)
    "fail_rate": 0.0, "fail_status": 500,  # that fraction of requests answers fail_status
    "status_sequence": [],  # statuses of the next requests, consumed in order; 200 = normal
    "retry_after_s": None,  # Retry-After header on every 429
    "malformed_rate": 0.0,  # 200 whose body is not JSON
    "wrong_answer_rate": 0.0,  # answers {"action": "zz9"}, an illegal move
    "require_api_key": None,  # else 401 invalid_api_key (the message never echoes a key)
    "rate_limit": None,  # {"requests": N, "window_s": W}: 429 once N were admitted in the last W s
    "context_limit_chars": None,  # longer prompt -> 400 context_length_exceeded
    "model_not_found": [],  # these request models -> 404 model_not_found
    "seed": 0,  # of the rng that draws faults (in arrival order)
}
ERROR_TYPES = {400: "invalid_request_error", 401: "invalid_request_error", 404: "invalid_request_error",
               429: "requests", 500: "server_error", 502: "server_error", 503: "server_error"}
WRONG_MOVE = "zz9"
MALFORMED = '{"id": "chatcmpl-bad", "choices": ['


def _text(content) -> str:
    if isinstance(content, list):  # OpenAI content parts
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return content if isinstance(content, str) else ""


def prompt_chars(messages: list) -> int:
    return sum(len(_text(m.get("content"))) for m in messages if isinstance(m, dict))


def legal_moves(messages: list) -> list | None:
    """The JSON list after the last `Legal moves:` of the last user message, or None."""
    users = [_text(m.get("content")) for m in messages if isinstance(m, dict) and m.get("role") == "user"]
    if not users or "Legal moves:" not in users[-1]:
        return None
    try:  # raw_decode: the list may be followed by more text ("\n\nChoose your move.")
        moves, _ = json.JSONDecoder().raw_decode(users[-1].rsplit("Legal moves:", 1)[1].lstrip())
    except ValueError:
        return None
    return moves if isinstance(moves, list) and moves else None


def constrained_moves(body: dict) -> tuple[list, bool] | None:
    """The moves a request's structured-output constraint allows, and whether the answer is JSON; None if unconstrained."""
    outputs = body.get("structured_outputs")
    choice = outputs.get("choice") if isinstance(outputs, dict) else None
    if isinstance(choice, list) and choice:
        return choice, False
    try:
        enum = body["response_format"]["json_schema"]["schema"]["properties"]["action"]["enum"]
    except (KeyError, TypeError):
        return None
    return (enum, True) if isinstance(enum, list) and enum else None


class FakeOpenAI:
    """The server's state: mode, counters, and the decision for each request."""

    def __init__(self, mode: dict):
        self.mode, self.counter = {**DEFAULT_MODE}, 0
        self.rng, self.admitted = random.Random(0), deque()
        self.control(mode)
        self.reset_stats()

    def control(self, changes: dict) -> None:
        if not isinstance(changes, dict) or set(changes) - set(DEFAULT_MODE):
            raise ValueError(f"mode keys must be among {sorted(DEFAULT_MODE)}")
        self.mode.update(changes)
        self.mode["status_sequence"] = list(self.mode["status_sequence"] or [])
        if "seed" in changes:
            self.rng = random.Random(self.mode["seed"])
        if "rate_limit" in changes:
            self.admitted.clear()

    def reset_stats(self) -> None:
        self.t0 = time.monotonic()  # windows are aligned to the start or the last reset; a request
        # that arrived before a reset is not counted when answered after it
        self.arrivals: list[float] = []
        self.statuses: Counter = Counter()
        self.in_flight = self.max_in_flight = 0
        self.constrained = 0  # answers given under a constraint of the request
        self.last_request: dict | None = None

    def stats(self, window_s: float | None) -> dict:
        out = {"total": len(self.arrivals), "by_status": {str(k): v for k, v in sorted(self.statuses.items())},
               "in_flight": self.in_flight, "max_concurrent": self.max_in_flight,
               "elapsed_s": time.monotonic() - self.t0, "last_request": self.last_request,
               "constrained": self.constrained}
        if window_s:
            windows = [0] * (int(out["elapsed_s"] // window_s) + 1)
            for t in self.arrivals:
                windows[min(int(t // window_s), len(windows) - 1)] += 1
            best, lo = 0, 0  # the most arrivals in any interval [t - window_s, t]
            for hi, t in enumerate(self.arrivals):
                while self.arrivals[lo] <= t - window_s:
                    lo += 1
                best = max(best, hi - lo + 1)
            out.update(window_s=window_s, windows=windows, max_in_sliding_window=best)
        return out

    def decide(self, body: dict, auth: str) -> tuple[int, dict | None, str, dict]:
        """(status, error {message, code, ...} or None, content, headers), decided on arrival."""
        m, now, messages = self.mode, time.monotonic(), body.get("messages") or []
        if m["require_api_key"] and auth != f"Bearer {m['require_api_key']}":
            return 401, {"message": "Incorrect API key provided.", "code": "invalid_api_key"}, "", {}
        if body.get("model") in m["model_not_found"]:
            msg = f"The model `{body.get('model')}` does not exist or you do not have access to it."
            return 404, {"message": msg, "code": "model_not_found"}, "", {}
        if rl := m["rate_limit"]:
            while self.admitted and self.admitted[0] <= now - rl["window_s"]:
                self.admitted.popleft()
            if len(self.admitted) >= rl["requests"]:
                wait = round(self.admitted[0] + rl["window_s"] - now, 3)
                msg = f"Rate limit reached: {rl['requests']} requests per {rl['window_s']} s."
                return 429, {"message": msg, "code": "rate_limit_exceeded"}, "", {"Retry-After": str(wait)}
            self.admitted.append(now)
        status = m["status_sequence"].pop(0) if m["status_sequence"] else 200
        if status == 200 and m["fail_rate"] and self.rng.random() < m["fail_rate"]:
            status = m["fail_status"]
        if status != 200:
            return status, {"message": f"Injected error {status}.", "code": None}, "", {}
        chars = prompt_chars(messages)
        if m["context_limit_chars"] is not None and chars > m["context_limit_chars"]:
            msg = (f"This model's maximum context length is {m['context_limit_chars'] // 4} tokens. However, your "
                   f"messages resulted in {chars // 4} tokens. Please reduce the length of the messages.")
            return 400, {"message": msg, "code": "context_length_exceeded", "param": "messages"}, "", {}
        if m["malformed_rate"] and self.rng.random() < m["malformed_rate"]:
            return 200, None, MALFORMED, {}
        self.counter += 1
        moves, seed = legal_moves(messages), body.get("seed")
        if allowed := constrained_moves(body):
            self.constrained += 1
            move = random.Random(seed if seed is not None else self.counter).choice(allowed[0])
            return 200, None, json.dumps({"action": str(move)}) if allowed[1] else str(move), {}
        if m["wrong_answer_rate"] and self.rng.random() < m["wrong_answer_rate"]:
            move = WRONG_MOVE
        elif moves is None:
            move = "none"
        else:
            move = random.Random(seed if seed is not None else self.counter).choice(moves)
        return 200, None, json.dumps({"action": str(move)}), {}


def make_app(fake: FakeOpenAI):
    from aiohttp import web

    def error(status: int, err: dict, headers: dict) -> web.Response:
        if status == 429 and fake.mode["retry_after_s"] is not None:
            headers["Retry-After"] = str(fake.mode["retry_after_s"])
        body = {"message": err["message"], "type": ERROR_TYPES.get(status, "api_error"),
                "param": err.get("param"), "code": err["code"]}
        return web.json_response({"error": body}, status=status, headers=headers)

    async def chat(request: web.Request) -> web.Response:
        arrival, t0 = time.monotonic(), fake.t0
        fake.arrivals.append(arrival - fake.t0)
        fake.in_flight += 1  # of the requests since the last reset, like every count
        fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
        status = 400
        try:
            try:
                body = await request.json()
                assert isinstance(body, dict)
            except Exception:
                return error(400, {"message": "The body is not a JSON object.", "code": None}, {})
            fake.last_request = body
            status, err, content, headers = fake.decide(body, request.headers.get("Authorization", ""))
            delay = fake.mode["latency_ms"] / 1000 + fake.mode["hang_s"] - (time.monotonic() - arrival)
            if delay > 0:
                await asyncio.sleep(delay)
            if err:
                return error(status, err, headers)
            if content is MALFORMED:
                return web.Response(text=MALFORMED, content_type="application/json")
            prompt, completion = max(1, prompt_chars(body.get("messages") or []) // 4), max(1, len(content) // 4)
            return web.json_response({
                "id": f"chatcmpl-{fake.counter}", "object": "chat.completion", "created": int(time.time()),
                "model": body.get("model", fake.mode["model"]), "system_fingerprint": None,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                             "finish_reason": "stop", "logprobs": None}],
                "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                          "total_tokens": prompt + completion}})
        finally:
            if fake.t0 == t0:  # statuses are counted when answered, arrivals when they come
                fake.in_flight -= 1
                fake.statuses[status] += 1

    async def control(request: web.Request) -> web.Response:
        try:
            fake.control(await request.json())
        except ValueError as e:
            return web.json_response({"error": {"message": str(e), "type": "invalid_request_error"}}, status=400)
        return web.json_response({**fake.mode, "require_api_key": bool(fake.mode["require_api_key"])})

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(fake.stats(float(request.query.get("window_s") or 0) or None))

    async def reset(request: web.Request) -> web.Response:
        fake.reset_stats()
        return web.json_response({"ok": True})

    async def models(request: web.Request) -> web.Response:
        model = {"id": fake.mode["model"], "object": "model", "created": 0, "owned_by": "test"}
        return web.json_response({"object": "list", "data": [model]})

    app = web.Application()
    app.add_routes([web.post("/v1/chat/completions", chat), web.post("/chat/completions", chat),
                    web.get("/v1/models", models), web.get("/models", models), web.post("/control", control),
                    web.get("/stats", stats), web.post("/stats/reset", reset)])
    return app


async def serve(port: int, mode: dict) -> None:
    from aiohttp import web

    runner = web.AppRunner(make_app(FakeOpenAI(mode)), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=1024)
    await site.start()
    print(f"PORT {runner.addresses[0][1]}", flush=True)
    await asyncio.Event().wait()


class Server:
    """A running fake server: `url` is the api_base (`http://127.0.0.1:PORT/v1`), `port`, `base`."""

    def __init__(self, mode: dict, startup_timeout_s: float = 20.0):
        if unknown := set(mode) - set(DEFAULT_MODE):
            raise ValueError(f"unknown mode keys {sorted(unknown)}; known: {sorted(DEFAULT_MODE)}")
        self._start([sys.executable, os.path.abspath(__file__), "--port", "0", "--mode", json.dumps(mode), "--exit-on-eof"],
                    startup_timeout_s)

    def _start(self, command: list[str], startup_timeout_s: float) -> None:
        """Run `command`, a server that prints `PORT <n>` first and exits when its stdin closes."""
        self.proc = subprocess.Popen(  # stdin is a pipe: the server exits when its parent goes away
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(startup_timeout_s)
        if not line or not line[0].startswith("PORT "):
            self.stop()
            raise RuntimeError(f"the fake OpenAI server did not start: {line!r}")
        self.port = int(line[0].split()[1])
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.base}/v1"

    def _call(self, path: str, payload: dict | None = None) -> dict:
        data = None if payload is None else json.dumps(payload).encode()
        req = urllib.request.Request(self.base + path, data=data, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def control(self, **mode) -> dict:
        """Merge `mode` into the server's mode; returns the whole mode (the api key as a bool)."""
        return self._call("/control", mode)

    def stats(self, window_s: float | None = None) -> dict:
        return self._call("/stats" + (f"?window_s={window_s}" if window_s else ""))

    def reset_stats(self) -> None:
        self._call("/stats/reset", {})

    def reset(self) -> None:
        """Back to the default mode with zeroed stats: one server can serve many tests."""
        self.control(**DEFAULT_MODE)
        self.reset_stats()

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()
        self.proc.stdin.close()
        self.proc.stdout.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_server(**mode) -> Server:
    """Start a fake server subprocess with `mode` (keys of DEFAULT_MODE); a context manager."""
    return Server(mode)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--mode", default="{}", help="JSON object of DEFAULT_MODE keys")
    parser.add_argument("--exit-on-eof", action="store_true", help="exit when stdin closes (parent gone)")
    args = parser.parse_args()
    if args.exit_on_eof:
        threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    asyncio.run(serve(args.port, json.loads(args.mode)))


if __name__ == "__main__":
    main()
