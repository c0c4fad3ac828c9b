# The README's commands. Each target installs what it needs first, so they work on a fresh machine.
PYTHON ?= python3
SEEDS ?= ../shared/seeds

.PHONY: install assets browser run test test-fast js-test data bench

install:            ## Python packages (the project, editable, with its test extras)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[test]'

assets: install     ## Leaflet and plugins from the npm registry, into a git-ignored folder
	$(PYTHON) -m dashboard fetch-assets

browser:            ## Debian's Chromium for the browser tests
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

run: assets         ## the dashboard on data/incidents.csv (built from the seeds first if missing), at http://127.0.0.1:8501
	@test -f data/incidents.csv || $(MAKE) --no-print-directory data
	$(PYTHON) -m dashboard serve

test: assets browser js-test  ## every test, browser tests included (and the map's JS: lint and unit tests)
	$(PYTHON) -m pytest

js-test:            ## the map's JavaScript: ESLint (no HTML sinks) and node's unit tests; npm packages into node_modules/
	npm install --no-audit --no-fund
	npx --no-install eslint dashboard/static tests/js eslint.config.js
	node --test tests/js/

test-fast: install  ## unit tests only (no browser)
	$(PYTHON) -m pytest -m "not browser"

data: install       ## (re)build the default dataset from the seed articles
	$(PYTHON) -m dashboard build $(SEEDS) --manifest $(SEEDS)/manifest.csv --out data/incidents.csv

bench: assets browser  ## benchmarks and dev-set checks (print figures; never part of the tests)
	$(PYTHON) bench/build_speed.py
	$(PYTHON) bench/gazetteer_load.py
	$(PYTHON) bench/events_speed.py
	$(PYTHON) bench/reconcile_speed.py
	$(PYTHON) bench/reconcile_scale.py
	$(PYTHON) bench/build_scale.py
	$(PYTHON) bench/devset_tolls.py --mode default
	$(PYTHON) bench/devset_tolls.py --mode files
	$(PYTHON) bench/devset_truth.py --mode default
	$(PYTHON) bench/devset_truth.py --mode files
	$(PYTHON) bench/map_scale.py
	$(PYTHON) bench/html_pages.py
