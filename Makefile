# Two commands do all set-up on a fresh machine with Python 3.11 (see README "Quick start").
#   make demo   create .venv, install, plan the Pearl River Delta day and check it
#   make test   create .venv, install with test extras, lint and run the tests
#   make app    create .venv, install, start the planning app (streamlit run app.py)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean app

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/molten plan sample_networks/pearl_river_delta --time-limit 60 --out plans/pearl_river_delta
	$(BIN)/molten check sample_networks/pearl_river_delta plans/pearl_river_delta

app: $(STAMP)
	$(BIN)/streamlit run app.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy logistics

test: lint
	$(BIN)/pytest -q -n 2 --dist loadgroup

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python -m benchmarks all

clean:
	rm -rf $(VENV) plans .pytest_cache .ruff_cache
