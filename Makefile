# Two commands do all the set-up: `make demo` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: demo test test-fast lint lab generate bench clean browser sandbox axe

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

## axe: axe-core, at one exact version from npm, for the browser tests' accessibility audit of the quiz widget
## (installed in .venv/node_modules; Debian's nodejs and npm first if the machine has no npm)
AXE_VERSION := 4.10.3
axe:
	@grep -qs '"version": "$(AXE_VERSION)"' $(VENV)/node_modules/axe-core/package.json || { \
	  command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }; \
	  npm install --no-save --no-audit --no-fund --prefix $(VENV) axe-core@$(AXE_VERSION); }

## test: lint, then the whole suite, one file (the corpus files together) per worker on every core (pytest-xdist; grading waits on kernels,
## so two workers on two cores take about half the time of one)
test: $(STAMP) browser sandbox axe lint
	$(BIN)/python -m pytest -n auto --dist loadfile

## lint: ruff's lint and format checks (configured in pyproject.toml); `ruff format .` fixes the format
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## test-fast: the tier without kernels (checks, fairness, data, quiz records, verdict export), under a minute
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not kernel"

## lab: JupyterLab on the module, with nbgrader's extensions (formgrader, assignment list)
lab: $(STAMP)
	$(BIN)/jupyter lab --allow-root --no-browser

## generate: regenerate release/ (the student version) from source/, then commit both; with a scratch gradebook,
## so the demo's submissions in work/ do not stop it. (Giving an assignment to students is `course release`.)
generate: $(STAMP)
	scratch=$$(mktemp -d) && $(BIN)/course --work $$scratch generate; status=$$?; rm -rf $$scratch; exit $$status

## bench: a class of 60 graded by the course (1, 2, N at a time) and by plain nbgrader in the same run (about 6 minutes)
bench: $(STAMP) sandbox
	$(BIN)/python bench/autograde_bench.py

clean:
	rm -rf work
