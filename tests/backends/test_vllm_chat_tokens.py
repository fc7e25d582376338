"""The players' side of the token-ids path, without Ray: a tokenizer from the replica's files."""

from pathlib import Path

import pytest

from arena.chat import ErrorClass
from backends.vllm.call import classify
from backends.vllm.chat_tokens import ChatTokens

TINY = Path(__file__).parents[2] / "models" / "tiny-llama"
pytestmark = pytest.mark.skipif(not (TINY / "tokenizer.json").exists(), reason="make builds models/tiny-llama")


def files(without: str = "") -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in TINY.iterdir()
            if p.is_file() and p.suffix != ".safetensors" and p.name != without}


def test_renders_the_template_with_the_generation_prompt_and_decodes_without_special_tokens():
    tokens = ChatTokens(files())
    ids = tokens.prompt_ids([{"role": "user", "content": "Your move?"}])
    assert ids.count(tokens.tokenizer.bos_token_id) <= 1 and "Your move?" in tokens.text(ids)
    answer = tokens.tokenizer.encode("b2", add_special_tokens=False)
    assert tokens.text(answer + [tokens.tokenizer.eos_token_id]) == "b2"
    cut = tokens.tokenizer.encode("é", add_special_tokens=False)  # a byte-level tokenizer: two tokens
    assert len(cut) == 2 and tokens.text(answer + cut[:1]) == "b2"  # an answer cut mid-character ends before it


def test_a_tokenizer_without_a_chat_template_stops_the_model_with_what_to_do():
    tokens = ChatTokens(files(without="chat_template.jinja"))
    with pytest.raises(Exception) as refused:
        tokens.prompt_ids([{"role": "user", "content": "Your move?"}])
    classified = classify(refused.value)
    assert classified.error_class == ErrorClass.FATAL and "chat template" in classified.message
