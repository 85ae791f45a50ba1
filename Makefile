# Two set-up commands on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

# setup.py compiles these with mypyc beside their sources (pyproject.toml [tool.skillspas] mypyc): an edit of
# one installs again, so that `make test` never runs them stale (schemas/compiled.py guards a bare pytest run).
COMPILED := $(shell $(PY) -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['tool']['skillspas']['mypyc'])")

$(STAMP): pyproject.toml setup.py $(COMPILED)
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
	rm -rf $(VENV) build *.egg-info schemas/compiled.sha256
	find schemas keys verifier wallet_export issuer -name '*.so' -delete

# ruff and mypy --strict on the product code (also part of `make test`).
lint: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_lint.py
