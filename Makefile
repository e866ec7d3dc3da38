# Two commands do all the set-up (see README):
#   make run    install what is needed, build the index if needed, start the chat app
#   make test   install what is needed (test extras, Chromium) and run the tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: install install-test run test bench loadtest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# torch first, as the CPU build on disk: otherwise sentence-transformers pulls GBs of CUDA.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q "torch==2.13.0"
	$(BIN)/pip install -q -e ".[st,test]"
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium (and a CJK font for screenshots) for the browser tests: Playwright cannot
# download its own browser here.
/usr/bin/chromium:
	(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei) >/dev/null

run: install
	$(BIN)/python app.py

test: install /usr/bin/chromium
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m benchmarks.bench

loadtest: install
	$(BIN)/python -m benchmarks.loadtest

clean:
	rm -rf $(VENV) index/chroma index/manifest.json
