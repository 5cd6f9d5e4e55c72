# MindOps Mail Ingest — the two commands are `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Environment for anything that touches Google client libraries locally: no metadata-server
# probes, no gcloud prompts, a throwaway gcloud config (handbook: local-services.md).
export NO_GCE_CHECK := true
export CLOUDSDK_CORE_CHECK_GCE_METADATA := false
export CLOUDSDK_CORE_DISABLE_PROMPTS := 1
export GOOGLE_CLOUD_PROJECT ?= demo-test
export CHECKPOINT_DISABLE := 1

.PHONY: help install install-system lint fmt typecheck test test-unit run bench clean bundle plan deploy smoke live validate-infra messages

ENV ?= dev
# every deployable function: a folder under functions/ with a main.py (the watcher's image is
# containers/watcher)
FUNCTIONS := $(notdir $(patsubst %/main.py,%,$(wildcard functions/*/main.py)))
IMAGE ?=

help:  ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required (see README: The two commands)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when a requirements file or a pyproject.toml changed. Two distributions,
# both editable: the service (`shared`, the `mailingest` command) and the development package
# (mailingest_dev/pyproject.toml: `mailingest run`), which the wheel never carries.
$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt pyproject.toml mailingest_dev/pyproject.toml
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e . -e ./mailingest_dev
	@touch $(STAMP)

install: $(STAMP)  ## create .venv, install pinned requirements, the `mailingest` command and the dev package

install-system:  ## install Dovecot if missing; check Java and the emulators
	@bash scripts/install-system.sh

lint: install  ## ruff (lint + format check), mypy --strict, layer contracts, terraform fmt + provider-schema check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	@if command -v terraform >/dev/null; then env -u TF_CLI_CONFIG_FILE terraform fmt -check -recursive infra; \
	 elif [ "$${CI:-}" = "true" ]; then echo "terraform missing"; exit 1; fi
	$(BIN)/python infra/scripts/check_terraform.py infra

messages: install  ## the console's catalogues brought up to its strings (then translate what is new in shared/web/locales)
	$(BIN)/python -m mailingest_dev.messages

fmt: install  ## format and fix what can be fixed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install install-system lint  ## the whole suite (unit + integration), services started by the tests
	$(BIN)/pytest -m "not live" $(PYTEST_ARGS)

test-unit: install  ## unit tests only (no services)
	$(BIN)/pytest -m "not live and not integration" $(PYTEST_ARGS)

run: install install-system  ## start the whole system locally and show events as they come (Ctrl-C stops)
	$(BIN)/mailingest run --corpus tests/data/corpus

bench: install install-system  ## benchmarks; figures to build/bench.json
	@mkdir -p build
	$(BIN)/python -m bench.run --out build/bench.json

bundle: install  ## every function's zip (deterministic, content-hashed) and the watcher image context in build/
	$(BIN)/python infra/scripts/package_function.py $(FUNCTIONS) --out build/functions
	rm -rf build/watcher && mkdir -p build/watcher/containers
	cp requirements.txt build/watcher/ && cp containers/__init__.py build/watcher/containers/
	cp -r shared build/watcher/shared && cp -r containers/watcher build/watcher/containers/watcher
	cp containers/watcher/Dockerfile build/watcher/Dockerfile
	find build/watcher -name __pycache__ -prune -exec rm -rf {} +
	@echo "bundled: $(FUNCTIONS) and build/watcher (docker build build/watcher)"

plan: bundle  ## terraform init + plan for ENV (dev|prod); needs gcloud credentials and IMAGE
	@test -n "$(IMAGE)" || { echo "IMAGE=<registry>/<repo>/watcher:<tag> is required"; exit 2; }
	cd infra && terraform init -input=false && terraform plan -input=false \
	  -var-file=envs/$(ENV).tfvars -var watcher_image=$(IMAGE) -out=build-$(ENV).tfplan

deploy: plan  ## bundle, build and push the watcher image, plan and apply for ENV
	gcloud builds submit build/watcher --tag $(IMAGE)
	cd infra && terraform apply -input=false build-$(ENV).tfplan
	@echo "secret values (out of band, once):"
	@echo "  gcloud secrets versions add mailingest-google-client-secret --data-file=-"
	@echo "  gcloud secrets versions add mailingest-microsoft-client-secret --data-file=-"
	@echo "  python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' | gcloud secrets versions add mailingest-state-signing-key --data-file=-"
	cd infra && terraform output

live: install  ## the provider scenarios against real Gmail / Microsoft 365 accounts (docs/testing.md); never in make test
	$(BIN)/pytest -m live tests/integration/providers -rs $(PYTEST_ARGS)

smoke: install  ## after a deploy: check ENV's project whole (gcloud, your credentials); one line per check
	@mkdir -p build
	cd infra && terraform output -json smoke > ../build/smoke-$(ENV).json
	$(BIN)/python -m mailingest_dev.smoke build/smoke-$(ENV).json

validate-infra:  ## terraform validate (needs the provider download: not on machines without internet)
	cd infra && terraform init -backend=false -input=false && terraform validate

clean:  ## remove the venv and build output
	rm -rf $(VENV) build .mypy_cache .ruff_cache .pytest_cache .hypothesis
