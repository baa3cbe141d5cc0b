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
	touch $(BIN)/modstream

setup: $(BIN)/modstream

dev: setup
	$(BIN)/modstream dev

test: setup
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .pytest_cache
