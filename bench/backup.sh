#!/usr/bin/env bash
# Backup bench (issue 5 targets): seeds a SQLite database with N customers (default 1,000,000), then
#   - backup create (snapshot + zstd + encryption + full verification) while a writer commits in a loop
#     on its own connection: wall time, size vs the database file, the writer's worst commit latency
#   - restore of that backup (database deleted first): wall time
# Usage: bench/backup.sh [customers] [salesdb binary]. Prints one Markdown table row block.
# BENCH_RESTORE=0 skips the restore. The writer checkpoints as the server does (storage/database.h):
# its connection's automatic checkpoints off, a thread on a connection of its own checkpointing
# (PASSIVE; the server's wakes when a commit leaves 1000 pages in the WAL, this one every 20 ms). BENCH_WAL_AUTOCHECKPOINT=1000 makes the writer checkpoint
# inside its own commits instead (SQLite's default, the server before 2026-11-26), for comparison.
# BENCH_SEEDED_DIR=<data folder> reuses a folder seeded before with `salesdb seed --customers N`
# (its salesdb.db and keys/ are copied; the folder stays untouched): seeding 1,000,000 takes minutes.
# Also reports the CPU time (user+system) of `backup create` and `restore`: wall times swing with
# the load on a shared machine, CPU time much less.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"
BIN="${2:-build/salesdb}"
WORK="$(mktemp -d /tmp/salesdb-backup-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
export SALESDB_DATA_DIR="$WORK/data" SALESDB_LOG_LEVEL="${SALESDB_LOG_LEVEL:-warn}" SALESDB_ADMIN_PASSWORD=bench-pass-123456

# Runs a command; writes the CPU seconds (user + system) it used to $1.
cpu_run() {
  python3 -c 'import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
r = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write(f"{r.ru_utime + r.ru_stime:.1f}")
sys.exit(rc)' "$@"
}

DB="$WORK/data/salesdb.db"
if [ -n "${BENCH_SEEDED_DIR:-}" ]; then
  echo "copying the seeded database from $BENCH_SEEDED_DIR…" >&2
  mkdir -p "$WORK/data" && cp -r "$BENCH_SEEDED_DIR/keys" "$WORK/data/" && cp "$BENCH_SEEDED_DIR/salesdb.db" "$DB"
else
  echo "seeding $N customers…" >&2
  "$BIN" seed --customers "$N" >&2
fi
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
# The copy above leaves gigabytes of dirty pages: written back now, not during the measurement (their
# writeback held the writer's first commits up for 0.6–1.0 s before the backup had started).
sync
DB_BYTES=$(stat -c %s "$DB")

# A writer on its own connection, committing (synchronous=FULL) every ~5 ms; prints its worst commit
# and writes each commit slower than 20 ms (its start, epoch ms, and its length) to slow.txt.
cat > "$WORK/writer.py" <<'PY'
import sqlite3, sys, time, os, threading
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
inline = int(os.environ.get('BENCH_WAL_AUTOCHECKPOINT', '0'))
db.execute(f"PRAGMA wal_autocheckpoint={inline}")
def checkpointer():
    c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30, check_same_thread=False)
    c.execute("PRAGMA synchronous=FULL")
    while not os.path.exists(sys.argv[2]):
        c.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        time.sleep(0.02)
if not inline: threading.Thread(target=checkpointer, daemon=True).start()
db.execute("CREATE TABLE IF NOT EXISTS bench_writes (id INTEGER PRIMARY KEY, at REAL)")
worst = 0.0; n = 0; stop = sys.argv[2]; slow = open(sys.argv[3], "w")
while not os.path.exists(stop):
    wall = time.time(); t = time.perf_counter()
    db.execute("BEGIN IMMEDIATE"); db.execute("INSERT INTO bench_writes (at) VALUES (?)", (t,)); db.execute("COMMIT")
    took = time.perf_counter() - t
    if took > 0.020: slow.write(f"{wall*1000:.0f} {took*1000:.1f}\n")
    worst = max(worst, took); n += 1
    time.sleep(0.005)
slow.close()
db.execute("DROP TABLE bench_writes")
print(f"{worst*1000:.1f} {n}")
PY
python3 "$WORK/writer.py" "$DB" "$WORK/stop" "$WORK/slow.txt" > "$WORK/writer.out" &
WRITER=$!
sleep 1
START=$(date +%s.%N)
cpu_run "$WORK/create.cpu" "$BIN" backup create > "$WORK/create.out"
END=$(date +%s.%N)
touch "$WORK/stop"; wait $WRITER
read -r WORST WRITES < "$WORK/writer.out"
FILE=$(sed -n 's/^created //p' "$WORK/create.out")
BACKUP_BYTES=$(stat -c %s "$FILE")
SNAPSHOT_MS=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['snapshot_ms'])" "$FILE.manifest.json")
CREATE_S=$(python3 -c "print(f'{$END-$START:.1f}')")

if [ "${BENCH_RESTORE:-1}" = 1 ]; then
  rm -f "$DB" "$DB-wal" "$DB-shm"
  START=$(date +%s.%N)
  cpu_run "$WORK/restore.cpu" "$BIN" restore "$FILE" > "$WORK/restore.out"
  END=$(date +%s.%N)
  RESTORE_S=$(python3 -c "print(f'{$END-$START:.1f}')")
  RESTORE_CPU=$(cat "$WORK/restore.cpu")
else  # BENCH_RESTORE=0: the backup only
  RESTORE_S=- RESTORE_CPU=- && touch "$WORK/restore.out"
fi
RATIO=$(python3 -c "print(f'{100*$BACKUP_BYTES/$DB_BYTES:.1f}')")
CREATE_CPU=$(cat "$WORK/create.cpu")

# With SALESDB_LOG_LEVEL=debug: the time and process CPU of each step, on stderr, and the writer's
# slow commits (> 20 ms) with the backup steps that were running when each began.
grep -h '"backup phase"' "$WORK/create.out" "$WORK/restore.out" >&2 || true
python3 - "$WORK/create.out" "$WORK/slow.txt" >&2 <<'PY'
import json, sys
phases = []
for line in open(sys.argv[1]):
    if '"backup phase"' in line:
        p = json.loads(line); phases.append((p["ts"] - p["ms"], p["ts"], p["phase"]))
slow = [tuple(map(float, l.split())) for l in open(sys.argv[2]) if l.strip()]
print(f"writer: {len(slow)} commits slower than 20 ms")
for at, ms in sorted(slow, key=lambda s: -s[1])[:15]:
    during = [name for start, end, name in phases if start <= at + ms and at <= end]
    print(f"  {ms:7.1f} ms at +{(at - phases[0][0]) / 1000 if phases else 0:6.1f} s: {'; '.join(during) or '-'}")
PY

# BENCH_KEEP=<folder>: keeps the writer's slow commits and the backup's output there.
if [ -n "${BENCH_KEEP:-}" ]; then mkdir -p "$BENCH_KEEP" && cp "$WORK/slow.txt" "$WORK/create.out" "$WORK/restore.out" "$BENCH_KEEP/"; fi

cat <<OUT
| customers | database file | backup file | size | backup incl. verification (CPU) | restore (CPU) | snapshot read txn | writer's worst commit during backup |
|---|---|---|---|---|---|---|---|
| $N | $((DB_BYTES / 1048576)) MiB | $((BACKUP_BYTES / 1048576)) MiB | ${RATIO}% | ${CREATE_S} s (${CREATE_CPU} s) | ${RESTORE_S} s (${RESTORE_CPU} s) | ${SNAPSHOT_MS} ms | ${WORST} ms ($WRITES commits) |
OUT
