#!/usr/bin/env bash
# Audit query benchmark: GET /api/v1/audit (newest first, a page of 50) at about 1,000,000 entries,
# on SQLite or PostgreSQL, timed with curl against `salesdb serve` (median of 7 calls per query).
#
#   bench/audit_query.sh [ENTRIES]                     SQLite in a temporary folder
#   SALESDB_DATABASE_URL='dbname=… host=…' bench/audit_query.sh [ENTRIES]   an empty PostgreSQL database
#   SALESDB_BIN=… picks the binary (default build/salesdb), e.g. one built from an older commit;
#   AUDIT_QUERY_KEEP=1 keeps the data folder (for EXPLAIN).
#
# How the entries are made: the synthetic rows go straight into audit_log by SQL (one INSERT … SELECT;
# 50 actors, 5 actions, 3 entities, 1,400 IPs, random request ids, one entry every 100 ms, every
# seventh one 2 s late as when a write waits for the writer). They are not hash-chained: this
# measures queries, not `audit verify` (bench/audit_verify.sh does that). The fill stops one short of
# a multiple of 512, so the next audited write (creating the admin user) copies them all into
# audit_lookup through the server's own code, as a batch copy would. They end a minute before that
# write, so the log is in time order as a server writes it.
set -euo pipefail
cd "$(dirname "$0")/.."
ENTRIES=${1:-1000000}
BIN=${SALESDB_BIN:-build/salesdb}
DATA=$(mktemp -d /tmp/salesdb-audit-query.XXXX)
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  if [ -n "${AUDIT_QUERY_KEEP:-}" ]; then echo "kept $DATA"; else rm -rf "$DATA"; fi
}
trap cleanup EXIT
export SALESDB_DATA_DIR=$DATA SALESDB_LOG_LEVEL=warn SALESDB_ADMIN_PASSWORD=bench-admin-pass-123

if [ -n "${SALESDB_DATABASE_URL:-}" ]; then
  sql() { psql "$SALESDB_DATABASE_URL" -qAt -v ON_ERROR_STOP=1 -c "$1"; }
else
  sql() { sqlite3 "$DATA/salesdb.db" "$1"; }
fi

"$BIN" migrate >/dev/null
existing=$(sql "SELECT COALESCE(MAX(id), 0) FROM audit_log")
N=$(( (ENTRIES + 511) / 512 * 512 ))  # the id of the write that copies them into audit_lookup
FILL=$(( N - 1 - existing ))
T0=$(( $(date +%s) * 1000 - FILL * 100 - 60000 ))  # the synthetic entries end a minute ago
echo "filling $FILL synthetic entries…"
start=$(date +%s.%N)
if [ -n "${SALESDB_DATABASE_URL:-}" ]; then
  sql "INSERT INTO audit_log (at, actor_id, actor_role, ip, user_agent, request_id, action, entity, entity_id,
         after_json, prev_hash, hash)
       SELECT $T0 + i * 100 - CASE WHEN i % 7 = 3 THEN 2000 ELSE 0 END, 1 + i % 50, 'sales_rep',
         '10.0.' || (i % 1400 / 250) || '.' || (i % 250), 'salesdb-bench', substr(md5(random()::text), 1, 16),
         (ARRAY['customer.update','customer.create','contact.reveal','auth.login','license.renew'])[1 + i % 5],
         (ARRAY['customer','contact','license'])[1 + i % 3], i % 5000,
         '{\"name\":\"Synthetic customer ' || i || '\",\"region\":\"east_china\",\"status\":\"active\",\"version\":1}',
         'synthetic', 'synthetic'
       FROM generate_series(1, $FILL) AS i"
else
  sql "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $FILL)
       INSERT INTO audit_log (at, actor_id, actor_role, ip, user_agent, request_id, action, entity, entity_id,
         after_json, prev_hash, hash)
       SELECT $T0 + i * 100 - CASE WHEN i % 7 = 3 THEN 2000 ELSE 0 END, 1 + i % 50, 'sales_rep',
         '10.0.' || (i % 1400 / 250) || '.' || (i % 250), 'salesdb-bench', lower(hex(randomblob(8))),
         CASE i % 5 WHEN 0 THEN 'customer.update' WHEN 1 THEN 'customer.create' WHEN 2 THEN 'contact.reveal'
           WHEN 3 THEN 'auth.login' ELSE 'license.renew' END,
         CASE i % 3 WHEN 0 THEN 'customer' WHEN 1 THEN 'contact' ELSE 'license' END, i % 5000,
         '{\"name\":\"Synthetic customer ' || i || '\",\"region\":\"east_china\",\"status\":\"active\",\"version\":1}',
         'synthetic', 'synthetic'
       FROM s"
fi
echo "  $(echo "$(date +%s.%N) - $start" | bc) s"
start=$(date +%s.%N)
"$BIN" user create --email admin@example.com --name Admin --role admin --password "$SALESDB_ADMIN_PASSWORD" >/dev/null
echo "admin user (its audit entry copies the batch into audit_lookup): $(echo "$(date +%s.%N) - $start" | bc) s"
TOKEN=$("$BIN" token create --user admin@example.com --name bench | tail -n 1)
echo "entries: $(sql "SELECT COUNT(*) FROM audit_log"), in audit_lookup: $(sql "SELECT COUNT(*) FROM audit_lookup")"
[ -n "${SALESDB_DATABASE_URL:-}" ] && sql "VACUUM ANALYZE audit_lookup" && sql "VACUUM ANALYZE audit_log"  # as autovacuum would, before timing

PORT=$((20000 + RANDOM % 20000))
"$BIN" serve --listen 127.0.0.1:$PORT >"$DATA/serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/livez" >/dev/null 2>&1 && break
  sleep 0.2
done
# Wait until the server is idle (its start-up work and the audit daemon's first pass done).
for _ in $(seq 1 120); do
  t1=$(awk '{print $14 + $15}' "/proc/$PID/stat"); sleep 1; t2=$(awk '{print $14 + $15}' "/proc/$PID/stat")
  [ $((t2 - t1)) -le 2 ] && break
done

ms() { echo "$T0 + $1 * $FILL / 1000 * 100" | bc; }  # the time of the entry at $1 per mille of the log
query() {
  local name="$1" params="$2" times=() code
  for _ in 1 2 3 4 5 6 7; do
    out=$(curl -s -o "$DATA/body.json" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOKEN" \
      "http://127.0.0.1:$PORT/api/v1/audit?$params")
    code=${out% *}
    [ "$code" = 200 ] || { echo "$name: HTTP $code $(head -c 300 "$DATA/body.json")" >&2; exit 1; }
    times+=("${out#* }")
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 4p)
  printf '%-46s %8.1f ms  (items %s)\n' "$name" "$(echo "$median * 1000" | bc)" \
    "$(grep -o '"id":' "$DATA/body.json" | wc -l)"
}
query "no filter" "limit=50"
query "time range, 10 % of the log, middle" "from=$(ms 450)&to=$(ms 550)&limit=50"
query "time range, oldest 10 %" "from=$(ms 0)&to=$(ms 100)&limit=50"
query "to only, oldest 10 %" "to=$(ms 100)&limit=50"
query "from only, newest 1 %" "from=$(ms 990)&limit=50"
query "actor + action + from (middle)" "actor_id=7&action=customer.create&from=$(ms 500)&limit=50"
query "actor + time range, 10 %, middle" "actor_id=7&from=$(ms 450)&to=$(ms 550)&limit=50"
