"""A served model's tokenizer in the player's process: a chat rendered and tokenised as vLLM's chat route
renders it (the tokenizer's chat template, generation prompt added, no extra special tokens), and an answer's
token ids decoded as that route decodes them (special tokens skipped).

The files come from the replica (ArenaLLMServer.tokenizer_files), so a player on a node without the model
directory still uses exactly the replica's tokenizer. Built once per process and model.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

_BUILT: dict[str, ChatTokens] = {}
_LOCK = threading.Lock()


class ChatTokens:
    def __init__(self, files: dict[str, bytes]):
        from transformers import AutoTokenizer

        with tempfile.TemporaryDirectory(prefix="arena-tokenizer-") as folder:
            for name, data in files.items():
                (Path(folder) / name).write_bytes(data)
            self.tokenizer = AutoTokenizer.from_pretrained(folder)

    def prompt_ids(self, messages: list[dict]) -> list[int]:
        if not self.tokenizer.chat_template:
            raise NoChatTemplate("the served model's tokenizer has no chat template; use an instruction-tuned "
                                 "model or add chat_template.jinja to its tokenizer directory")
        text = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        return self.tokenizer.encode(text, add_special_tokens=False)

    def text(self, token_ids: list[int]) -> str:
        # vLLM decodes as it streams and never emits the bytes of a character the answer ends in the
        # middle of (max_tokens reached mid-character); a whole decode shows them as U+FFFD: dropped alike.
        return self.tokenizer.decode(token_ids, skip_special_tokens=True).rstrip("\ufffd")


def chat_tokens(key: str, files: dict[str, bytes]) -> ChatTokens:
    """The ChatTokens of `key` (one per served model) in this process, built from `files` the first time."""
    with _LOCK:
        if key not in _BUILT:
            _BUILT[key] = ChatTokens(files)
        return _BUILT[key]


def built(key: str) -> ChatTokens | None:
    return _BUILT.get(key)


class NoChatTemplate(Exception):
    """The model cannot be asked a chat at all: every request would fail alike."""
