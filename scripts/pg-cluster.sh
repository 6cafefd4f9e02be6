#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and benchmarks, run as the postgres user.
#   scripts/pg-cluster.sh start DIR PORT   → prints the connection string
#   scripts/pg-cluster.sh stop DIR
# shared_buffers (PG_SHARED_BUFFERS, default 1GB) holds the whole 100,000-customer bench database (about
# 400 MB): with 256MB the list and detail routes spent most of their time on buffer misses in PostgreSQL.
set -euo pipefail
PGBIN=/usr/lib/postgresql/15/bin
cmd="$1"; dir="$2"
run_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
  start)
    port="$3"
    mkdir -p "$dir/pg" "$dir/sock"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir" "$dir/pg" "$dir/sock"
    chmod 700 "$dir/pg"
    if [ ! -f "$dir/pg/PG_VERSION" ]; then
      run_pg "$PGBIN/initdb" -D "$dir/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    touch "$dir/pg.log"; [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir/pg.log"
    run_pg "$PGBIN/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" \
      -o "-p $port -k $dir/sock -c listen_addresses='' -c fsync=on -c max_connections=300 -c shared_buffers=${PG_SHARED_BUFFERS:-1GB}" \
      -w start >/dev/null
    echo "host=$dir/sock port=$port user=postgres"
    ;;
  stop)
    [ -f "$dir/pg/postmaster.pid" ] && run_pg "$PGBIN/pg_ctl" -D "$dir/pg" -m fast -w stop >/dev/null || true
    ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
