# Every target delegates to dev.py, which needs nothing but Python ≥ 3.11.
PYTHON ?= python3

.PHONY: run test bench lint audit

run:
	$(PYTHON) dev.py run

test:
	$(PYTHON) dev.py test

bench:
	$(PYTHON) dev.py bench

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

audit:
	$(PYTHON) dev.py audit
