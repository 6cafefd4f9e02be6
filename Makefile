# salesdb — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
DEMO_CUSTOMERS ?= 2000
# Let ccache share results between clones of the repo (CI builds a fresh clone each time).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: deps build server web run test test-sanitizers test-server test-web bench clean

deps:
	@bash scripts/install-deps.sh

server: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

web: deps
	@cd web && npm run build --silent

build: server web

# Serves on http://127.0.0.1:8080 with SQLite in ./data; demo data on first start.
run: build
	@if [ ! -f data/.seeded ]; then \
	  ./$(BUILD_DIR)/salesdb --data-dir data seed --customers $(DEMO_CUSTOMERS) && touch data/.seeded; fi
	@./$(BUILD_DIR)/salesdb --data-dir data serve

test: build
	@bash scripts/test.sh

# The same tests against AddressSanitizer + UndefinedBehaviorSanitizer and ThreadSanitizer builds
# (build-asan, build-tsan). Not part of `make test`: the first builds take about an hour on two cores.
test-sanitizers: deps web
	@bash scripts/test-sanitizers.sh

bench: build
	@bash bench/run.sh

clean:
	rm -rf $(BUILD_DIR) web/dist
