# Two commands: `make demo` and `make test`. Both create .venv and install the pinned
# dependencies when requirements.lock or pyproject.toml changed (a second run is fast).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB := var/demo.sqlite3
DEMO_URL := sqlite:///$(CURDIR)/$(DEMO_DB)

.PHONY: demo test lint venv system-deps bench-deps web-assets clean

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock requirements-scale.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-scale.lock  # ecer[scale]
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# System packages a step needs (browser, fonts, …): listed in scripts/system-packages.txt.
system-deps:
	bash scripts/system-deps.sh

# What the benchmarks need beyond the test suite (wrk): scripts/bench-packages.txt.
bench-deps: $(STAMP)
	bash scripts/system-deps.sh bench-packages.txt

# htmx, Apache ECharts and Swagger UI from the npm registry (package-lock.json) into the web app's
# static/vendor folder; skipped when already there.
web-assets:
	bash scripts/web-assets.sh

demo: $(STAMP) system-deps web-assets
	mkdir -p var && rm -f $(DEMO_DB)
	ECER_DATABASE_URL=$(DEMO_URL) $(BIN)/ecer init
	ECER_DATABASE_URL=$(DEMO_URL) $(BIN)/ecer demo-data --out var/demo-workbooks
	ECER_DATABASE_URL=$(DEMO_URL) $(BIN)/ecer progress --year 2024
	ECER_DATABASE_URL=$(DEMO_URL) $(BIN)/ecer report situation --year 2024 -o var/节能形势分析报告-2024.pdf && ECER_DATABASE_URL=$(DEMO_URL) $(BIN)/ecer report situation --year 2024 -o var/节能形势分析报告-2024.docx && ECER_DATABASE_URL=$(DEMO_URL) $(BIN)/ecer report assessment --year 2024 -o var/考核结果-2024.pdf && ECER_DATABASE_URL=$(DEMO_URL) $(BIN)/ecer report assessment --year 2024 -o var/考核结果-2024.docx
	@echo '--- Web 应用：http://127.0.0.1:8000 （演示账户如下，密码只显示这一次；Ctrl-C 停止）'
	ECER_DATABASE_URL=$(DEMO_URL) $(BIN)/ecer users demo-accounts
	ECER_DATABASE_URL=$(DEMO_URL) $(BIN)/ecer serve --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP) system-deps web-assets lint
	$(BIN)/python -m pytest -q --durations=15

clean:
	rm -rf $(VENV) var .pytest_cache
