# Two set-up commands on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/skillspas demo

# pytest exit code 5 ("no tests collected") is a failure here: an empty suite is not a pass.
test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python benchmarks/proofs.py --batch

clean:
	rm -rf $(VENV) build *.egg-info

# ruff and mypy --strict on the product code (also part of `make test`).
lint: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_lint.py
