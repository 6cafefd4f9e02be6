#!/usr/bin/env bash
# Browser tests: start the real salesdb server on a fresh SQLite data dir, serving web/dist,
# drive Debian Chromium through playwright-core, stop the server. Non-zero exit on any failure.
#   usage: tests/e2e/run.sh [path/to/salesdb]      (default: build/salesdb)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="${1:-$ROOT/build/salesdb}"
case "$BIN" in /*) ;; *) BIN="$ROOT/$BIN" ;; esac
CHROME="${CHROME_PATH:-/usr/bin/chromium}"

fail() { echo "e2e: $*" >&2; exit 1; }
[ -x "$BIN" ] || fail "server binary $BIN not found (run make build)"
[ -x "$CHROME" ] || fail "Chromium not found at $CHROME (apt-get install chromium); browsers are never downloaded"
[ -f "$ROOT/web/dist/index.html" ] || fail "web/dist/index.html missing: the UI build failed or did not run (cd web && npm run build)"
if [ ! -d "$HERE/node_modules/playwright-core" ]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci failed"
fi

TMP="$(mktemp -d -t salesdb-e2e.XXXXXX)"
OUT="$HERE/output"
rm -rf "$OUT" && mkdir -p "$OUT"
PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
URL="http://127.0.0.1:$PORT"
export SALESDB_ADMIN_EMAIL="${SALESDB_ADMIN_EMAIL:-admin@example.com}"
export SALESDB_ADMIN_PASSWORD="${SALESDB_ADMIN_PASSWORD:-admin-pass-e2e-123}"
SERVER_PID=""

cleanup() {
  local rc=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  if [ $rc -ne 0 ] && [ -f "$OUT/server.log" ]; then
    echo "e2e: last server log lines:" >&2
    tail -n 30 "$OUT/server.log" >&2 || true
  fi
  rm -rf "$TMP"
  exit $rc
}
trap cleanup EXIT INT TERM

echo "e2e: starting $BIN on $URL (data $TMP)"
SALESDB_DATA_DIR="$TMP" "$BIN" serve --listen "127.0.0.1:$PORT" --web-dir "$ROOT/web/dist" >"$OUT/server.log" 2>&1 &
SERVER_PID=$!

ready=""
for _ in $(seq 1 150); do
  kill -0 "$SERVER_PID" 2>/dev/null || fail "server exited during start"
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/readyz" || true)" = "200" ]; then ready=1; break; fi
  sleep 0.2
done
[ -n "$ready" ] || fail "server not ready after 30 s"

SALESDB_DATA_DIR="$TMP" "$BIN" --data-dir "$TMP" user create --email viewer@example.com --name Viewer --role viewer --password 'viewer-pass-123' \
  || fail "could not create the viewer user"
SALESDB_DATA_DIR="$TMP" "$BIN" --data-dir "$TMP" seed --customers "${E2E_SEED_CUSTOMERS:-300}" >"$OUT/seed.log" 2>&1 \
  || fail "seeding failed (see $OUT/seed.log)"

echo "e2e: running browser tests"
cd "$HERE"
SALESDB_URL="$URL" E2E_OUTPUT="$OUT" CHROME_PATH="$CHROME" \
  node --test --test-concurrency=1 --test-reporter=spec "$HERE"/specs/*.test.mjs
