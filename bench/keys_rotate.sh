#!/usr/bin/env bash
# Bench: `salesdb keys rotate` over ~1,000,000 encrypted values (contact emails and phones, licence
# keys, activity bodies) on SQLite, or on PostgreSQL when SALESDB_DATABASE_URL is set.
# Usage: bench/keys_rotate.sh [customers]   (default 145000 customers ≈ 1,000,000 values)
# Prints the values counted, the seed time and the rotation time; target ≤ 10 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SALESDB_BIN:-build/salesdb}
CUSTOMERS=${1:-145000}
DIR=$(mktemp -d /tmp/salesdb-bench-rotate.XXXX)
trap 'rm -rf "$DIR"' EXIT
export SALESDB_DATA_DIR=$DIR SALESDB_LOG_LEVEL=warn SALESDB_ADMIN_PASSWORD=bench-admin-pass-1
export SALESDB_MASTER_KEY=${SALESDB_MASTER_KEY:-$(openssl rand -base64 32)}

t0=$(date +%s.%N)
"$BIN" seed --customers "$CUSTOMERS" >/dev/null
t1=$(date +%s.%N)
if [[ -n "${SALESDB_DATABASE_URL:-}" ]]; then
  count() { psql -qtA "$SALESDB_DATABASE_URL" -c "$1"; }
else
  count() { sqlite3 "$DIR/salesdb.db" "$1"; }
fi
values=$(count "SELECT (SELECT 2*COUNT(*) FROM contacts) + (SELECT COUNT(*) FROM licenses) + (SELECT COUNT(*) FROM activities)")
"$BIN" keys rotate --batch-size 2000 | tail -1
t2=$(date +%s.%N)
"$BIN" keys status
left=$(count "SELECT (SELECT COUNT(*) FROM contacts WHERE key_version < 2) + (SELECT COUNT(*) FROM licenses WHERE key_version < 2) + (SELECT COUNT(*) FROM activities WHERE key_version < 2)")
printf 'machine: %s, %s cores\n' "$(uname -srm)" "$(nproc)"
printf 'values: %s encrypted (%s customers); seed %.1f s; rotation %.1f s (%.0f values/s); rows left %s\n' \
  "$values" "$CUSTOMERS" "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" \
  "$(echo "$values / ($t2 - $t1)" | bc -l)" "$left"
