#!/usr/bin/env bash
# Audit verification benchmark: appends N synthetic audit entries (hash-chained, through the same
# AuditLog::Record path the server uses, via the hidden `salesdb audit bench-fill`) to a fresh SQLite
# database, signs a checkpoint by running the server briefly, then times `salesdb audit verify`.
# Target (issue 6): 1,000,000 entries verified in ≤ 30 s.
#
#   bench/audit_verify.sh [ENTRIES]          (default 1000000; SALESDB_BIN overrides build/salesdb)
#   SALESDB_DATABASE_URL=postgresql://… bench/audit_verify.sh   to run it on PostgreSQL (the database
#                                            must be empty)
set -euo pipefail
cd "$(dirname "$0")/.."
ENTRIES=${1:-1000000}
BIN=${SALESDB_BIN:-build/salesdb}
DATA=$(mktemp -d /tmp/salesdb-audit-bench.XXXX)
trap 'rm -rf "$DATA"' EXIT
export SALESDB_DATA_DIR=$DATA SALESDB_LOG_LEVEL=warn SALESDB_ADMIN_PASSWORD=bench-admin-pass-123

"$BIN" migrate >/dev/null
echo "filling $ENTRIES entries…"
"$BIN" audit bench-fill --entries "$ENTRIES"

# Let the server sign the head (it signs once more on SIGTERM), so verify also checks a checkpoint.
PORT=$((20000 + RANDOM % 20000))
"$BIN" serve --listen 127.0.0.1:$PORT >"$DATA/serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/livez" >/dev/null 2>&1 && break
  sleep 0.2
done
kill -TERM $PID
wait $PID || true

start=$(date +%s.%N)
"$BIN" audit verify
end=$(date +%s.%N)
secs=$(echo "$end - $start" | bc)
echo "audit verify: $ENTRIES entries in ${secs} s (target ≤ 30 s)"
