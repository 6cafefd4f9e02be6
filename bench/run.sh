#!/usr/bin/env bash
# `make bench` (after `make build`): HTTP load with wrk on SQLite and on a throwaway PostgreSQL 15
# cluster, then the Google Benchmark micro-benchmarks. Prints a markdown table and appends it to
# bench/RESULTS.md. Everything it starts (servers, cluster, temp folders) it stops and removes.
#
# Routes (wrk -t2 -c32, each run bounded by -d):
#   list       GET  /api/v1/customers?limit=50&region=R&sort=-updated_at   target  8,000 req/s
#   detail     GET  /api/v1/customers/{id}                                 target 10,000 req/s
#   dashboard  GET  /api/v1/dashboard/summary                              target  5,000 req/s
#   activity   POST /api/v1/activities                                     target  3,000 req/s
# and p99 ≤ 20 ms on every route, peak RSS of the server ≤ 150 MB.
#
# Settings (environment):
#   BENCH_SCALE=100000        customers to seed (BENCH_SCALE=1000000 runs list, detail, dashboard only)
#   BENCH_DURATION=15         seconds of measured load per route (after BENCH_WARMUP=3 s of warm-up)
#   BENCH_DATABASES="sqlite postgres"
#   BENCH_ROUTES="list detail dashboard activity"
#   BENCH_SERVER_THREADS=     `salesdb serve --threads` (empty: the server's default)
#   BENCH_MICRO=1             run the micro-benchmarks (0: skip)
#   BENCH_LABEL=              a note for the results heading (e.g. "before auth cache")
#   BENCH_RESULTS=bench/RESULTS.md  (BENCH_RESULTS=/dev/null to only print)
#   BENCH_KEEP=0              1: keep the temp folder (server logs) for inspection
#   BENCH_BIN=build/salesdb   the binary to measure (e.g. an older build for before/after)
#   BENCH_AUDIT_ROUNDS=10     issue 6: after the routes, route (d) on the server and on
#                             build/salesdb_bench_no_audit (the same server recording no audit entries), both
#                             running, in turns: this many turns each of BENCH_AUDIT_DURATION=4 s; 0: skip
#   BENCH_HUGE_PAGES=600      2 MB huge pages reserved (vm.nr_hugepages, as root) while the PostgreSQL cluster
#                             runs, for its 1 GB of shared_buffers (huge_pages=try, PostgreSQL's default); the
#                             previous value is put back at the end; 0: leave the setting alone
#   BENCH_LIGHTHOUSE=1        after the SQLite wrk runs, Lighthouse (web/scripts/lighthouse.mjs, desktop and
#                             mobile presets, / and /customers) against the same server and data (0: skip);
#                             needs web/dist (make build) and Chromium (CHROME_PATH, default /usr/bin/chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BUILD_DIR="${BUILD_DIR:-build}"
BIN="${BENCH_BIN:-$ROOT/$BUILD_DIR/salesdb}"
MICRO_BIN="$ROOT/$BUILD_DIR/bench/salesdb_micro_bench"
SCALE="${BENCH_SCALE:-100000}"
DURATION="${BENCH_DURATION:-15}"
WARMUP="${BENCH_WARMUP:-3}"
DATABASES="${BENCH_DATABASES:-sqlite postgres}"
if [ "$SCALE" -gt 100000 ]; then DEFAULT_ROUTES="list detail dashboard"; else DEFAULT_ROUTES="list detail dashboard activity"; fi
ROUTES="${BENCH_ROUTES:-$DEFAULT_ROUTES}"
SERVER_THREADS="${BENCH_SERVER_THREADS:-}"
MICRO="${BENCH_MICRO:-1}"
LABEL="${BENCH_LABEL:-}"
RESULTS="${BENCH_RESULTS:-$ROOT/bench/RESULTS.md}"
KEEP="${BENCH_KEEP:-0}"
AUDIT_ROUNDS="${BENCH_AUDIT_ROUNDS:-10}"
AUDIT_DURATION="${BENCH_AUDIT_DURATION:-4}"
HUGE_PAGES="${BENCH_HUGE_PAGES:-600}"
HUGE_PAGES_BEFORE=""  # vm.nr_hugepages before the bench changed it
NO_AUDIT_BIN="$(dirname "$BIN")/salesdb_bench_no_audit"
WRK_THREADS=2
WRK_CONNECTIONS=32
export BENCH_DIR="$ROOT/bench" BENCH_CUSTOMERS="$SCALE"

command -v wrk >/dev/null || { echo "bench: wrk is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
[ -x "$BIN" ] || { echo "bench: $BIN is missing; run make build" >&2; exit 1; }

declare -A TARGET_RPS=([list]=8000 [detail]=10000 [dashboard]=5000 [activity]=3000)
declare -A SCRIPT=([list]=list.lua [detail]=detail.lua [dashboard]=dashboard.lua [activity]=activity.lua)
declare -A TITLE=([list]="(a) list 50, region, -updated_at" [detail]="(b) customer detail"
                  [dashboard]="(c) dashboard summary" [activity]="(d) create activity")
TARGET_P99_MS=20
TARGET_RSS_MB=150

WORK="$(mktemp -d /tmp/salesdb-bench.XXXXXX)"
chmod 755 "$WORK"  # the postgres user must reach the cluster folder
SERVER_PID=""
SERVER_PIDS=()  # every server started, for cleanup
PG_DIR=""
cleanup() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do  # the audit comparison runs two at once
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  [ -n "$PG_DIR" ] && "$ROOT/scripts/pg-cluster.sh" stop "$PG_DIR" || true
  [ -n "$HUGE_PAGES_BEFORE" ] && echo "$HUGE_PAGES_BEFORE" >/proc/sys/vm/nr_hugepages 2>/dev/null || true
  if [ "$KEEP" = 1 ]; then echo "bench: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo $((20000 + RANDOM % 20000))
}

log() { echo "bench: $*" >&2; }

# --- Web UI: Lighthouse (issue 3) -------------------------------------------------------------
# run_lighthouse URL: scores the dashboard and the customer list of the running server, logged in as
# the admin that the seed created; keeps the markdown table in LH_TABLE for the results. A failed run
# is recorded in the results (and logged) rather than ending the bench.
LIGHTHOUSE="${BENCH_LIGHTHOUSE:-1}"
LH_TABLE=()
LH_NOTE=""
if [ "$LIGHTHOUSE" = 1 ]; then export SALESDB_WEB_DIR="${SALESDB_WEB_DIR:-$ROOT/web/dist}"; fi
run_lighthouse() {
  local url="$1" out rc=0
  if [ ! -f "$SALESDB_WEB_DIR/index.html" ]; then
    LH_NOTE="not run: $SALESDB_WEB_DIR/index.html is missing (make build)"; log "lighthouse $LH_NOTE"; return
  fi
  local load; load="$(cut -d' ' -f1-3 /proc/loadavg)"
  log "lighthouse: desktop and mobile on / and /customers (load average $load)"
  out="$(cd "$ROOT/web" && SALESDB_URL="$url" SALESDB_ADMIN_EMAIL=admin@example.com \
           SALESDB_ADMIN_PASSWORD="bench-admin-password-1" CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}" \
           LH_NO_FAIL=1 node scripts/lighthouse.mjs 2>&1)" || rc=$?
  mapfile -t LH_TABLE < <(grep '^|' <<<"$out")
  if [ "$rc" -ne 0 ] || [ "${#LH_TABLE[@]}" -eq 0 ]; then
    LH_TABLE=()
    LH_NOTE="failed (exit $rc): $(tail -n 1 <<<"$out")"; log "lighthouse $LH_NOTE"; return
  fi
  LH_NOTE="Lighthouse 12.2.3 (web/scripts/lighthouse.mjs), Chromium $("${CHROME_PATH:-/usr/bin/chromium}" --version 2>/dev/null | grep -oE '[0-9]+(\.[0-9]+)+' | head -n 1), same server and $SCALE customers as the SQLite wrk runs; load average before: $load"
  printf '%s\n' "${LH_TABLE[@]}" >&2
}
print_lighthouse() {
  [ "$LIGHTHOUSE" = 1 ] && [ -n "$LH_NOTE" ] || return 0
  echo
  echo "Web UI (Lighthouse): $LH_NOTE"
  if [ "${#LH_TABLE[@]}" -gt 0 ]; then echo; printf '%s\n' "${LH_TABLE[@]}"; fi
}
# ----------------------------------------------------------------------------------------------

# CPU time (user + system) a process has used, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICKS_PER_SEC="$(getconf CLK_TCK)"

# VmHWM (peak resident set) of a process, in MB.
peak_rss_mb() { awk '/^VmHWM:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

ROWS=()       # markdown table rows
SUMMARY=()    # pass/fail notes

# start_server BIN [NAME=VALUE…] (in run_db): serves the database of run_db on $port, with these
# settings added to its environment; sets SERVER_PID.
start_server() {
  local -a serve=("$1" serve --listen "127.0.0.1:$port")
  shift
  [ -n "$SERVER_THREADS" ] && serve+=(--threads "$SERVER_THREADS")
  "${env_db[@]}" "$@" "${serve[@]}" >>"$WORK/$db-server.log" 2>&1 &
  SERVER_PID=$!
  SERVER_PIDS+=("$SERVER_PID")
  for _ in $(seq 1 100); do
    curl -sf "$url/livez" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { log "$db: server exited"; tail -n 20 "$WORK/$db-server.log" >&2; exit 1; }
    sleep 0.1
  done
  log "$db: the server did not answer /livez"; exit 1
}

stop_server() {
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" || log "$db: server exit status $?"
  SERVER_PID=""
}

# Waits (up to 60 s) until the server has used less than a tenth of a core for a second: the audit
# chain's start-up verification and the first dashboard summary are done.
wait_until_idle() {
  local before after
  for _ in $(seq 1 60); do
    before="$(cpu_ticks "$SERVER_PID")"; sleep 1; after="$(cpu_ticks "$SERVER_PID")"
    [ $((after - before)) -le $((TICKS_PER_SEC / 10)) ] && return 0
  done
}

# warm_up SCRIPT (in run_db, server running): WARMUP seconds of load, not measured.
warm_up() {
  wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${WARMUP}s" --timeout 5s -s "$1" "$url" >/dev/null
}

# measure SCRIPT SECONDS (in run_db, server running): sets LINE (wrk's BENCH summary) and CPU_US (the
# server's CPU per request: comparable between runs even when other work steals the cores).
measure() {
  local out cpu0 cpu1
  cpu0="$(cpu_ticks "$SERVER_PID")"
  out="$(wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$2s" --timeout 5s -s "$1" "$url")"
  cpu1="$(cpu_ticks "$SERVER_PID")"
  LINE="$(grep '^BENCH ' <<<"$out" || true)"
  [ -n "$LINE" ] || { log "$db: $1: no summary from wrk"; echo "$out" >&2; exit 1; }
  CPU_US="$(awk -v t=$((cpu1 - cpu0)) -v hz="$TICKS_PER_SEC" -v n="$(field requests)" \
    'BEGIN {printf "%.0f", n ? t / hz * 1e6 / n : 0}')"
}

# field NAME: a figure of LINE (requests, rps, p50_us, p99_us, non2xx, socket_errors).
field() { sed -E "s/.* $1=([0-9.]+).*/\1/" <<<"$LINE"; }

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

AUDIT_AB=()   # issue 6 comparison notes, one per database
# audit_ab (in run_db, server stopped): route (d) with and without audit entries, in turns. Both servers
# run at once, each on its own copy of the data folder (on PostgreSQL in the same database): $BIN, with
# its anomaly rules and chain verification every second so that this work falls in its own turns, and
# $NO_AUDIT_BIN. They take AUDIT_ROUNDS turns each of AUDIT_DURATION s, the order alternating, so that
# the machine's speed swings (up to ±30 % within minutes on this shared machine) touch both sides
# alike. Figures: the median of the pairs' p50 ratios, and each server's CPU over all its turns and the
# pauses between them (its background work included) per request it answered.
audit_ab() {
  local script="$ROOT/bench/${SCRIPT[activity]}" round label url
  local data_off="$data-no-audit"
  rm -rf "$data_off"
  cp -a "$data" "$data_off"
  local -A pid=() link=() req=() cpu0=()
  port="$(free_port)"; url="http://127.0.0.1:$port"
  start_server "$BIN" SALESDB_AUDIT_EVALUATE_INTERVAL_SECONDS=1
  pid[on]=$SERVER_PID; link[on]=$url
  port="$(free_port)"; url="http://127.0.0.1:$port"
  start_server "$NO_AUDIT_BIN" SALESDB_DATA_DIR="$data_off"
  pid[off]=$SERVER_PID; link[off]=$url
  for label in on off; do
    SERVER_PID=${pid[$label]}; url=${link[$label]}
    wait_until_idle
    warm_up "$script"
    req[$label]=0; cpu0[$label]="$(cpu_ticks "$SERVER_PID")"
  done
  local -a p50_on=() p50_off=() rps_on=() rps_off=()
  for round in $(seq 1 "$AUDIT_ROUNDS"); do
    local order="on off"
    [ $((round % 2)) -eq 0 ] && order="off on"
    for label in $order; do
      SERVER_PID=${pid[$label]}; url=${link[$label]}
      measure "$script" "$AUDIT_DURATION"
      req[$label]=$((req[$label] + $(field requests)))
      if [ "$label" = on ]; then p50_on+=("$(field p50_us)"); rps_on+=("$(field rps)")
      else p50_off+=("$(field p50_us)"); rps_off+=("$(field rps)"); fi
      log "$db: audit $label, turn $round: $LINE"
    done
  done
  local -A cpu=()
  for label in on off; do
    SERVER_PID=${pid[$label]}
    cpu[$label]="$(awk -v t=$(($(cpu_ticks "$SERVER_PID") - cpu0[$label])) -v hz="$TICKS_PER_SEC" -v n="${req[$label]}" \
      'BEGIN {printf "%.0f", n ? t / hz * 1e6 / n : 0}')"
    stop_server
  done
  rm -rf "$data_off"
  local -a ratios=()
  local i
  for i in "${!p50_on[@]}"; do
    ratios+=("$(awk -v a="${p50_off[$i]}" -v b="${p50_on[$i]}" 'BEGIN {printf "%.4f", b / a}')")
  done
  AUDIT_AB+=("$(awk -v db="$db" -v n="$AUDIT_ROUNDS" -v d="$AUDIT_DURATION" -v r="$(median "${ratios[@]}")" \
    -v con="${cpu[on]}" -v coff="${cpu[off]}" -v a="$(median "${p50_off[@]}")" -v b="$(median "${p50_on[@]}")" \
    -v ra="$(median "${rps_off[@]}")" -v rb="$(median "${rps_on[@]}")" -v rounds="${ratios[*]}" 'BEGIN {
    printf "%s, route (d), with and without audit entries in turns (%d of %d s each, both servers running): p50 latency %+.1f %% (median of the pairs'"'"' ratios; target ≤ +15 %%; ratios %s), server CPU per request %d → %d µs (%+.1f %%, background work included); medians p50 %.2f → %.2f ms, %.0f → %.0f req/s",
      db, n, d, (r - 1) * 100, rounds, coff, con, (coff > 0 ? (con / coff - 1) * 100 : 0), a / 1000, b / 1000, ra, rb}')")
  log "${AUDIT_AB[-1]}"
}

# reserve_huge_pages: PostgreSQL maps its shared memory on 2 MB pages when enough are reserved
# (huge_pages=try), as its documentation advises for a large shared_buffers: pgbench on the detail's
# five statements measured 61 against 67 µs of PostgreSQL CPU per detail here (fewer TLB misses). Without
# root, or BENCH_HUGE_PAGES=0, the cluster runs on normal pages.
HUGE_NOTE="normal pages"
reserve_huge_pages() {
  [ "$HUGE_PAGES" -gt 0 ] && [ -w /proc/sys/vm/nr_hugepages ] || return 0
  local before
  before="$(cat /proc/sys/vm/nr_hugepages)"
  [ "$before" -ge "$HUGE_PAGES" ] && { HUGE_NOTE="huge pages ($before reserved)"; return 0; }
  echo "$HUGE_PAGES" >/proc/sys/vm/nr_hugepages 2>/dev/null || return 0
  HUGE_PAGES_BEFORE="$before"
  HUGE_NOTE="huge pages ($(cat /proc/sys/vm/nr_hugepages) of 2 MB reserved)"
  log "postgres: $HUGE_NOTE for shared_buffers"
}

# run_db NAME: seeds a fresh database, starts a server, runs every route, stops the server.
run_db() {
  local db="$1"
  local data="$WORK/$db-data"
  mkdir -p "$data"
  local -a env_db=(env SALESDB_DATA_DIR="$data" SALESDB_ADMIN_PASSWORD="bench-admin-password-1"
                   SALESDB_DEMO_PASSWORD="bench-demo-password-1" SALESDB_LOG_LEVEL=info)
  if [ "$db" = postgres ]; then
    PG_DIR="$WORK/pg"
    local pg_port conn
    reserve_huge_pages
    pg_port="$(free_port)"
    conn="$("$ROOT/scripts/pg-cluster.sh" start "$PG_DIR" "$pg_port")"
    psql "$conn dbname=postgres" -qAt -c "CREATE DATABASE salesdb_bench" >/dev/null
    env_db+=(SALESDB_DATABASE_URL="dbname=salesdb_bench $conn")
  fi

  log "$db: seeding $SCALE customers"
  local t0=$SECONDS
  "${env_db[@]}" "$BIN" seed --customers "$SCALE" | grep -E '^seeded' >&2
  local seed_secs=$((SECONDS - t0))
  if [ "$db" = postgres ]; then
    # As a running installation would be: vacuumed after the bulk load and checkpointed, so that
    # autovacuum's first pass over the new tables and the writing out of the pages it dirties
    # (minutes at this size) do not land in the measurements.
    log "$db: VACUUM (ANALYZE) and CHECKPOINT after the seed"
    psql "dbname=salesdb_bench $conn" -qAt -c "VACUUM (ANALYZE)" -c "CHECKPOINT" >/dev/null
  fi
  local token
  token="$("${env_db[@]}" "$BIN" token create --user admin@example.com --name bench | tail -n 1)"
  export BENCH_TOKEN="$token"
  # A verified backup first, as a running installation has one: on a data dir without a recent backup
  # the server starts one at start-up (backup.interval_minutes), which would run during the first
  # routes' measurements.
  log "$db: backup create (so that the server does not start one during the runs)"
  "${env_db[@]}" "$BIN" backup create >/dev/null
  # The backup's verification restored it into a scratch copy (gigabytes at 1,000,000 customers) and
  # removed it; the kernel writes those pages back for half a minute or more, which a running
  # installation would long be done with. Wait for it here rather than during the first route.
  sync

  local port
  port="$(free_port)"
  local url="http://127.0.0.1:$port"
  start_server "$BIN"
  curl -sf -H "Authorization: Bearer $token" "$url/api/v1/auth/me" >/dev/null ||
    { log "$db: the bench token is not accepted"; exit 1; }
  # The server computes the company-wide dashboard summary at start (seconds at 1,000,000 customers);
  # the routes are measured once it is done, as a running installation would be, not beside it.
  local t1=$SECONDS
  curl -sf -m 600 -H "Authorization: Bearer $token" "$url/api/v1/dashboard/summary" >/dev/null ||
    { log "$db: no dashboard summary"; exit 1; }
  log "$db: the start-up dashboard summary was ready after $((SECONDS - t1)) s"

  local peak=0 route
  for route in $ROUTES; do
    local script="$ROOT/bench/${SCRIPT[$route]}"
    log "$db: $route (warm-up ${WARMUP}s, measure ${DURATION}s)"
    warm_up "$script"
    local hwm
    hwm="$(peak_rss_mb "$SERVER_PID")"; [ "$hwm" -gt "$peak" ] && peak=$hwm
    echo 5 >"/proc/$SERVER_PID/clear_refs" 2>/dev/null || true  # reset VmHWM: this route's own peak
    measure "$script" "$DURATION"
    hwm="$(peak_rss_mb "$SERVER_PID")"; [ "$hwm" -gt "$peak" ] && peak=$hwm
    local rps p50 p99 non2xx sockerr cpu_us="$CPU_US" p50ms p99ms ok="yes"
    rps="$(field rps)"; p50="$(field p50_us)"; p99="$(field p99_us)"
    non2xx="$(field non2xx)"; sockerr="$(field socket_errors)"
    p50ms="$(awk -v v="$p50" 'BEGIN {printf "%.2f", v / 1000}')"
    p99ms="$(awk -v v="$p99" 'BEGIN {printf "%.2f", v / 1000}')"
    awk -v r="$rps" -v t="${TARGET_RPS[$route]}" 'BEGIN {exit !(r >= t)}' || ok="no"
    awk -v p="$p99ms" -v t="$TARGET_P99_MS" 'BEGIN {exit !(p <= t)}' || ok="no"
    [ "$hwm" -le "$TARGET_RSS_MB" ] || ok="no"
    [ "$non2xx" -eq 0 ] && [ "$sockerr" -eq 0 ] || ok="no"
    ROWS+=("| $db | ${TITLE[$route]} | $(printf '%.0f' "$rps") | $p50ms | $p99ms | $non2xx/$sockerr | $cpu_us | $hwm | ≥ ${TARGET_RPS[$route]}, p99 ≤ $TARGET_P99_MS | $ok |")
    log "$db: $route: $(printf '%.0f' "$rps") req/s, p50 $p50ms ms, p99 $p99ms ms, errors $non2xx/$sockerr, server CPU ${cpu_us} µs/req, peak RSS $hwm MB"
  done
  SUMMARY+=("$db: seeded $SCALE customers in ${seed_secs}s; server peak RSS over the whole run $peak MB")
  if [ "$db" = sqlite ] && [ "$LIGHTHOUSE" = 1 ]; then run_lighthouse "$url"; fi

  stop_server
  if [ "$AUDIT_ROUNDS" -gt 0 ] && [[ " $ROUTES " == *" activity "* ]]; then
    if [ -x "$NO_AUDIT_BIN" ]; then audit_ab; else log "no $NO_AUDIT_BIN (configure with -DSALESDB_BUILD_BENCH=ON)"; fi
  fi
  if [ -n "$PG_DIR" ]; then "$ROOT/scripts/pg-cluster.sh" stop "$PG_DIR"; PG_DIR=""; fi
}

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
for db in $DATABASES; do run_db "$db"; done

MICRO_TABLE=()
if [ "$MICRO" = 1 ]; then
  if [ -x "$MICRO_BIN" ]; then
    log "micro-benchmarks"
    # CSV → markdown: name, iterations, real time, cpu time, unit.
    mapfile -t MICRO_TABLE < <("$MICRO_BIN" --benchmark_min_time=0.2 --benchmark_format=csv 2>/dev/null |
      awk -F, '/^name,/ {go=1; next} go && NF >= 5 {gsub(/"/, "", $1);
        printf "| %s | %s | %.1f %s | %.1f %s |\n", $1, $2, $3, $5, $4, $5}')
  else
    log "micro-benchmarks not built ($MICRO_BIN; configure with -DSALESDB_BUILD_BENCH=ON)"
  fi
fi

# Issue 6: what the hash-chained audit row adds to a create-activity service call (SQLite, durable
# commits): one caller (one commit per call) and 16 concurrent callers (group commit, like route (d)),
# each with and without the audit row; medians of interleaved repetitions.
AUDIT_NOTE=""
AUDIT_BIN="$ROOT/$BUILD_DIR/salesdb_audit_overhead_bench"
if [ "$MICRO" = 1 ] && [ -x "$AUDIT_BIN" ]; then
  log "audit overhead (create activity with and without the audit row)"
  AUDIT_NOTE="$("$AUDIT_BIN" --benchmark_format=csv 2>/dev/null | awk -F, '
    /^name,/ {for (i = 1; i <= NF; i++) {gsub(/"/, "", $i); col[$i] = i}; next}
    /_median"/ {
      shape = ($1 ~ /Concurrent/) ? "16 concurrent callers" : "1 caller"
      a = ($1 ~ /audit:1/) ? "on" : "off"
      lat[shape, a] = $col["latency_us"]; kib[shape, a] = $col["written_kib"]; cpu[shape, a] = $col["cpu_us"]
    }
    END {
      n = split("1 caller|16 concurrent callers", shapes, "|")
      for (i = 1; i <= n; i++) {
        s = shapes[i]
        if (lat[s, "off"] > 0 && lat[s, "on"] > 0)
          printf "%s%s: %.0f → %.0f µs per call (%+.1f %%), written %.1f → %.1f KiB (%+.0f %%), process CPU %.0f → %.0f µs",
                 (i > 1 ? "; " : ""), s, lat[s, "off"], lat[s, "on"], (lat[s, "on"] / lat[s, "off"] - 1) * 100,
                 kib[s, "off"], kib[s, "on"], (kib[s, "on"] / kib[s, "off"] - 1) * 100, cpu[s, "off"], cpu[s, "on"]
      }
    }')"
  [ -n "$AUDIT_NOTE" ] && AUDIT_NOTE="create activity without → with the audit row, medians: $AUDIT_NOTE (target ≤ +15 % latency)"
fi

# Before the results are appended (which changes RESULTS.md, a tracked file).
GIT_REV="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo '+dirty')"
{
  echo
  echo "## $(date -u '+%Y-%m-%d %H:%M UTC')${LABEL:+ — $LABEL}"
  echo
  echo "git $GIT_REV;" \
       "$SCALE customers; wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d${DURATION}s after ${WARMUP}s warm-up," \
       "on the same machine as the server; server threads: ${SERVER_THREADS:-default}."
  [[ " $DATABASES " == *" postgres "* ]] && echo "PostgreSQL 15, shared_buffers 1GB on $HUGE_NOTE."
  echo "Machine: nproc $(nproc), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM (free -g)," \
       "$(lscpu | grep 'Model name' | sed -E 's/Model name:\s*//'); load average before: $LOAD_BEFORE" \
       "(shared with other engineers' builds and tests, so figures swing)."
  if [ "${#ROWS[@]}" -gt 0 ]; then
    echo
    echo "| database | route | req/s | p50 ms | p99 ms | non-2xx/socket errors | server CPU µs/req | peak RSS MB | target | meets |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    printf -- '- %s\n' "${SUMMARY[@]}"
  fi
  if [ "${#MICRO_TABLE[@]}" -gt 0 ]; then
    echo
    echo "Micro-benchmarks (Google Benchmark, build/bench/salesdb_micro_bench):"
    echo
    echo "| benchmark | iterations | real time | CPU time |"
    echo "|---|---:|---:|---:|"
    printf '%s\n' "${MICRO_TABLE[@]}"
  fi
  if [ "${#AUDIT_AB[@]}" -gt 0 ]; then
    echo
    echo "Audit overhead in \`make bench\` (issue 6):"
    echo
    printf -- '- %s.\n' "${AUDIT_AB[@]}"
  fi
  if [ -n "$AUDIT_NOTE" ]; then
    echo
    echo "Audit overhead of the service call alone (build/salesdb_audit_overhead_bench, SQLite): $AUDIT_NOTE."
  fi
  print_lighthouse
} | tee -a "$RESULTS"
