# Two commands do all the set-up: `make demo` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: demo test test-fast test-hub load hub lint lab lab-settings generate bench clean browser sandbox node postgres acl

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .  # setuptools from the lock; no banner
	touch $(STAMP)

## sandbox: Debian's bubblewrap, in which autograde runs every student's kernel (course/sandbox.py)
sandbox:
	@command -v bwrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap; } \
	  || { echo "Install bubblewrap (apt-get install bubblewrap), or grade without the sandbox: COURSE_SANDBOX=off" >&2; exit 1; }

## demo: run the whole nbgrader cycle on the sample class and print the grades table
demo: $(STAMP) sandbox
	$(BIN)/course demo

## browser: Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser)
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

## node: npm packages at exact versions, in .venv/node_modules (Debian's nodejs and npm first if the machine has
## none): axe-core for the browser tests' accessibility audit of the quiz widget, and configurable-http-proxy,
## JupyterHub's proxy. Installed together: npm --no-save removes what the same command does not name.
AXE_VERSION := 4.10.3
CHP_VERSION := 4.6.3
node:
	@{ grep -qs '"version": "$(AXE_VERSION)"' $(VENV)/node_modules/axe-core/package.json && \
	   grep -qs '"version": "$(CHP_VERSION)"' $(VENV)/node_modules/configurable-http-proxy/package.json; } || { \
	  command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }; \
	  npm install --no-save --no-audit --no-fund --prefix $(VENV) axe-core@$(AXE_VERSION) \
	    configurable-http-proxy@$(CHP_VERSION); }

## postgres: Debian's PostgreSQL server programs, for the hub's gradebook (the hub and its test start their own
## server in a folder of theirs, on loopback)
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; }

## acl: Debian's setfacl, with which `course extend` shares a student's own due date with that student's account
## alone on a hub (course/teacher/extensions.py)
acl:
	@command -v setfacl >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq acl; }

## The environment the hub's users run in (deploy/hub/): Debian's Python, which every account may run (a Python
## under /root may not be), the lock, then the course from its wheel (not from this clone, which holds the
## instructors' notebooks); rebuilt when the lock or the package changes
# In this clone if every account can reach it, else under /opt (a clone in a private folder, e.g. a temporary one).
HUB_ENV    ?= $(shell d="$(CURDIR)"; while [ "$$d" != / ]; do case "$$(stat -c %a "$$d")" in \
                (*[1357]) d=$$(dirname "$$d");; (*) echo /opt/hanoi-summit/venv-hub; exit;; esac; done; \
                echo "$(CURDIR)/.venv-hub")
export HUB_ENV
HUB_PYTHON := /usr/bin/python3
$(HUB_ENV)/.installed: requirements.lock pyproject.toml deploy/hub/overrides.json $(shell git ls-files course 2>/dev/null) | $(STAMP)
	@$(HUB_PYTHON) -c "import ensurepip, venv" 2>/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv; }
	test -x $(HUB_ENV)/bin/python || $(HUB_PYTHON) -m venv $(HUB_ENV)
	$(HUB_ENV)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(HUB_ENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	rm -rf $(HUB_ENV)/wheel && mkdir -p $(HUB_ENV)/wheel/tree && { git ls-files course; echo pyproject.toml; } | tar -c -T - | tar -x -C $(HUB_ENV)/wheel/tree
	$(HUB_ENV)/bin/python -m pip wheel --quiet --no-deps --no-build-isolation -w $(HUB_ENV)/wheel $(HUB_ENV)/wheel/tree
	$(HUB_ENV)/bin/python -m pip install --quiet --no-deps --force-reinstall $(HUB_ENV)/wheel/*.whl
	mkdir -p $(HUB_ENV)/share/jupyter/lab/settings  # no news pop-ups from the internet for the hub's users
	cp deploy/hub/overrides.json $(HUB_ENV)/share/jupyter/lab/settings/overrides.json
	touch $@

## hub: a JupyterHub for the course on this machine (127.0.0.1:8000): an instructor, three students, the formgrader
## as a hub service, a PostgreSQL gradebook; prints the address and the logins; Ctrl+C stops it all (docs/hub.md)
hub: $(STAMP) $(HUB_ENV)/.installed sandbox node postgres acl
	$(BIN)/python deploy/hub/trial.py

## test-hub: the end-to-end test on a real hub (JupyterHub, its proxy, PostgreSQL; three students in Chromium)
test-hub: $(STAMP) $(HUB_ENV)/.installed browser sandbox node postgres acl
	$(BIN)/python -m pytest -m hub

## load: a load test of the hub: 10, 20, 30, then 40 simulated students at once log in, start their server, fetch,
## answer the quiz, Run All, save and submit over HTTP; seconds per action, memory and CPU per student, what fails
## first (bench/hub_load.json, docs/hundreds-of-students.md; as root, about 10 minutes; not part of `make test`)
load: $(STAMP) $(HUB_ENV)/.installed node postgres
	$(BIN)/python bench/hub_load.py

## test: lint, then the whole suite, one file (the corpus files together) per worker on every core (pytest-xdist; grading waits on kernels,
## so two workers on two cores take about half the time of one)
test: $(STAMP) browser sandbox node lab-settings lint
	$(BIN)/python -m pytest -n auto --dist loadfile -m "not hub"

## lint: ruff's lint and format checks (configured in pyproject.toml); `ruff format .` fixes the format
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## test-fast: the tier without kernels (checks, fairness, data, quiz records, verdict export), under a minute
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not kernel"

## lab: JupyterLab on the module, with nbgrader's extensions (formgrader, assignment list) and the hub's settings
## (no news fetched, no update check, cell timing recorded for course insight: deploy/hub/overrides.json)
lab: $(STAMP) lab-settings
	$(BIN)/jupyter lab --allow-root --no-browser

## lab-settings: the hub's JupyterLab settings for the environment's own JupyterLab too (as `make lab` starts it)
lab-settings: $(STAMP)
	mkdir -p $(VENV)/share/jupyter/lab/settings && cp deploy/hub/overrides.json $(VENV)/share/jupyter/lab/settings/

## generate: regenerate release/ (the student version) from source/, then commit both; with a scratch gradebook,
## so the demo's submissions in work/ do not stop it. (Giving an assignment to students is `course release`.)
generate: $(STAMP)
	scratch=$$(mktemp -d) && $(BIN)/course --work $$scratch generate; status=$$?; rm -rf $$scratch; exit $$status

## bench: a class of 60 graded by the course (1, 2, N at a time, and N with cold kernels) and by plain nbgrader in the same run (about 7 minutes)
bench: $(STAMP) sandbox
	$(BIN)/python bench/autograde_bench.py

clean:
	rm -rf work
