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

# The same tests against a build with AddressSanitizer (leaks included) and UndefinedBehaviorSanitizer, in
# $(SANITIZE_DIR); the first error of either ends the process that made it. Not part of `make test`: its
# first build takes about half an hour on two cores. Without the vptr check: Debian's SOCI libraries do not
# export their backends' type information, which it needs to link.
SANITIZE_DIR ?= build-sanitize
SANITIZE_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer -fno-sanitize-recover=undefined
test-sanitizers: deps web
	@cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=Debug -DSALESDB_BUILD_BENCH=OFF \
	  -DCMAKE_CXX_FLAGS="$(SANITIZE_FLAGS)" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
	@cmake --build $(SANITIZE_DIR) -j $(JOBS)
	@ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  BUILD_DIR=$(SANITIZE_DIR) bash scripts/test.sh

bench: build
	@bash bench/run.sh

clean:
	rm -rf $(BUILD_DIR) web/dist
