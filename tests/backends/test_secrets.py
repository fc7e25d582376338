"""redact() masks keys from the environment and key-shaped strings; nothing else."""

import hashlib

from backends.secrets import key_fingerprint, redact


def test_secret_env_values_are_masked_and_others_are_not(monkeypatch):
    monkeypatch.setenv("GROQ_API_KEY", "gsk_TESTSECRET123456")
    monkeypatch.setenv("HF_TOKEN", "plaintoken-value")
    monkeypatch.setenv("DB_PASSWORD", "hunter2hunter2")
    monkeypatch.setenv("AZURE_API_BASE", "https://my-deployment.example")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMIK7MDENG")
    monkeypatch.setenv("SHORT_KEY", "abc123")  # too short to mask safely
    monkeypatch.setenv("RAY_ADDRESS", "10.0.0.1:6379")  # not a secret name
    text = ("gsk_TESTSECRET123456 plaintoken-value hunter2hunter2 https://my-deployment.example "
            "wJalrXUtnFEMIK7MDENG abc123 10.0.0.1:6379")
    assert redact(text) == "*** *** *** *** *** abc123 10.0.0.1:6379"


def test_cache_follows_environment_changes(monkeypatch):
    monkeypatch.setenv("MY_SERVICE_TOKEN", "firstsecretvalue")
    assert redact("firstsecretvalue") == "***"
    monkeypatch.setenv("MY_SERVICE_TOKEN", "secondsecretvalue")
    assert redact("firstsecretvalue secondsecretvalue") == "firstsecretvalue ***"
    monkeypatch.delenv("MY_SERVICE_TOKEN")
    assert redact("secondsecretvalue") == "secondsecretvalue"


def test_longest_secret_is_masked_whole(monkeypatch):
    monkeypatch.setenv("A_KEY", "abcdefgh")
    monkeypatch.setenv("B_KEY", "abcdefgh-longer")
    assert redact("x abcdefgh-longer y") == "x *** y"


def test_key_shapes_are_masked_without_environment(monkeypatch):
    for name in ("OPENAI_API_KEY", "GROQ_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert redact("Incorrect API key provided: sk-proj-abcDEF123_xyz.") == "Incorrect API key provided: ***."
    assert redact("key gsk_abcdefgh12345678 bad") == "key *** bad"
    assert redact("Authorization: Bearer eyJhbGciOi.payload.sig") == "Authorization: Bearer ***"
    assert redact("api_key='abcdefgh1234', model=x") == "api_key='***', model=x"


def test_ordinary_text_is_left_alone():
    text = "task-scheduler failed: max_tokens=512, tokens: 9000, hf_model_id=gpt2, Bearer ok"
    assert redact(text) == text


def test_key_fingerprint_identifies_without_revealing():
    fp = key_fingerprint("gsk_TESTSECRET123456")
    assert fp == hashlib.sha256(b"gsk_TESTSECRET123456").hexdigest()[:8]
    assert len(fp) == 8 and fp != key_fingerprint("gsk_TESTSECRET123457")
