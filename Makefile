# Churn Radar — every developer and CI task is one target here. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DIR ?= data/demo
DEMO_CUSTOMERS ?= 20000
DEMO_CUTOFFS ?= 2024-03-31,2024-04-30,2024-05-31,2024-06-30,2024-07-31,2024-08-31,2024-09-30
PORT ?= 8000
MLFLOW_PORT ?= 5000

.PHONY: help install test lint format demo bench mlflow-ui clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

install: $(BIN)/.installed ## Create .venv and install the project with its dev extras

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

format: install ## Format the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lint: install ## ruff format check and lint
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

test: lint ## Lint, then run the whole test suite (pytest --strict-markers)
	$(BIN)/python -m pytest

demo: install ## Simulate, validate, features, train, promote, score, then serve the API (PORT=8000)
	$(BIN)/churn simulate --customers $(DEMO_CUSTOMERS) --months 24 --seed 42 --out $(DEMO_DIR)
	$(BIN)/churn validate --config $(DEMO_DIR)/churn.yaml
	$(BIN)/churn features --config $(DEMO_DIR)/churn.yaml --cutoffs $(DEMO_CUTOFFS) \
		--out $(DEMO_DIR)/features.parquet
	$(BIN)/churn train --config $(DEMO_DIR)/churn.yaml
	$(BIN)/churn promote --config $(DEMO_DIR)/churn.yaml --latest
	$(BIN)/churn score --config $(DEMO_DIR)/churn.yaml
	@echo
	@echo "Serving on http://127.0.0.1:$(PORT) (docs: /docs). Try, from another terminal:"
	@echo "  curl -s '127.0.0.1:$(PORT)/v1/customers?band=high&sort=value_at_risk&limit=5'"
	@echo "  curl -s 127.0.0.1:$(PORT)/v1/model"
	@echo "  curl -s 127.0.0.1:$(PORT)/ready"
	@echo "The same call list as a CSV: .venv/bin/churn worklist --band high --out calls.csv"
	@echo "Stop with Ctrl-C."
	$(BIN)/churn serve --config $(DEMO_DIR)/churn.yaml --port $(PORT)

bench: install ## Run the benchmarks; results land in bench/results/
	$(BIN)/python bench/features_bench.py
	$(BIN)/python bench/serving_bench.py

mlflow-ui: install ## Browse runs and registered models of the local store (http://127.0.0.1:5000; MLFLOW_PORT=5001 for another port)
	$(BIN)/mlflow ui --backend-store-uri sqlite:///$(CURDIR)/mlflow/mlflow.db --host 127.0.0.1 --port $(MLFLOW_PORT)

clean: ## Remove generated data and caches (keeps .venv)
	rm -rf data .pytest_cache .ruff_cache
