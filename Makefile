# The two commands of the README: `make run` and `make test`. Both create .venv/ first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 0.0.0.0
PORT ?= 8000

.PHONY: run test venv browser axe messages lint clean

venv: $(BIN)/vssid

$(BIN)/vssid: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

run: venv
	$(BIN)/vssid serve --host $(HOST) --port $(PORT)

# Debian's chromium drives the real-browser tests and gettext checks the translations against the
# source; both are installed when missing (as root).
browser:
	@{ command -v chromium && command -v xgettext && command -v msgfmt; } >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium gettext >/dev/null; \
	  else echo "The tests need Debian's chromium and gettext: sudo apt-get install -y chromium gettext" >&2; exit 1; fi; }

# Extract the messages of the source into the English catalogue, then compile it (see README).
messages: venv browser
	cd src/vssid && ../../$(BIN)/vssid makemessages -l en --ignore "*/migrations/*" && ../../$(BIN)/vssid compilemessages

# axe-core, pinned in package.json / package-lock.json, checks WCAG 2.2 AA in the browser tests.
axe:
	@test -f node_modules/axe-core/axe.min.js || { \
	  command -v npm >/dev/null || { \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	    else echo "The tests need npm for axe-core: sudo apt-get install -y nodejs npm" >&2; exit 1; fi; }; \
	  npm ci --no-audit --no-fund; }

test: venv browser axe
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache node_modules
