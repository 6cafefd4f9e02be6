#!/usr/bin/env bash
# Everything `make test` runs, after `make build`: server unit tests, the HTTP integration suite on
# SQLite and on a throwaway PostgreSQL 15 cluster, the web unit tests, and the browser tests.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
results=()
failed=0
step() {  # step NAME COMMAND...
  local name="$1"; shift
  echo "=== $name"
  if "$@"; then results+=("PASS  $name"); else results+=("FAIL  $name"); failed=$((failed + 1)); fi
}

step "server unit tests" ctest --test-dir "$BUILD_DIR" --output-on-failure -j 2 --timeout 300

export SALESDB_BIN="$(cd "$BUILD_DIR" && pwd)/salesdb"
step "integration tests (SQLite)" "$BUILD_DIR/server/tests/integration/salesdb_integration_tests" --gtest_brief=1

PGDIR="$(mktemp -d /tmp/salesdb-pg.XXXXXX)"
chmod 755 "$PGDIR"
PGPORT=$((20000 + RANDOM % 20000))
if PG="$(scripts/pg-cluster.sh start "$PGDIR" "$PGPORT")"; then
  step "integration tests (PostgreSQL 15)" env SALESDB_TEST_PG="$PG" SALESDB_TEST_PG_DIR="$PGDIR" \
    "$BUILD_DIR/server/tests/integration/salesdb_integration_tests" --gtest_brief=1
else
  results+=("FAIL  PostgreSQL cluster did not start (see $PGDIR/pg.log)"); failed=$((failed + 1))
fi
scripts/pg-cluster.sh stop "$PGDIR"
rm -rf "$PGDIR"

step "web unit tests" bash -c "cd web && npm test --silent"
step "browser tests" bash tests/e2e/run.sh "$BUILD_DIR/salesdb"

echo
echo "=== summary"
printf '%s\n' "${results[@]}"
passed=$(( ${#results[@]} - failed ))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
