# Two commands: `make demo` and `make test`. Both create .venv and install the pinned
# dependencies when requirements.lock or pyproject.toml changed (a second run is fast).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB := var/demo.sqlite3
DEMO_URL := sqlite:///$(CURDIR)/$(DEMO_DB)

.PHONY: demo test lint venv system-deps clean

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock requirements-scale.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-scale.lock  # ecer[scale]
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-scale.lock  # ecer[scale]
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# System packages a step needs (browser, fonts, …): listed in scripts/system-packages.txt.
system-deps:
	bash scripts/system-deps.sh

demo: $(STAMP) system-deps
	mkdir -p var && rm -f $(DEMO_DB)
	ECER_DATABASE_URL=$(DEMO_URL) $(BIN)/ecer init
	ECER_DATABASE_URL=$(DEMO_URL) $(BIN)/ecer demo-data --out var/demo-workbooks
	ECER_DATABASE_URL=$(DEMO_URL) $(BIN)/ecer progress --year 2024
	ECER_DATABASE_URL=$(DEMO_URL) $(BIN)/ecer report situation --year 2024 -o var/节能形势分析报告-2024.pdf && ECER_DATABASE_URL=$(DEMO_URL) $(BIN)/ecer report situation --year 2024 -o var/节能形势分析报告-2024.docx && ECER_DATABASE_URL=$(DEMO_URL) $(BIN)/ecer report assessment --year 2024 -o var/考核结果-2024.pdf && ECER_DATABASE_URL=$(DEMO_URL) $(BIN)/ecer report assessment --year 2024 -o var/考核结果-2024.docx

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP) system-deps lint
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) var .pytest_cache
