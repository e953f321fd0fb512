#!/usr/bin/env bash
# Starts (or reuses) a throwaway PostgreSQL cluster for this checkout, listening on 127.0.0.1 at a
# free port, and prints its connection URL on the last line. `start-postgres.sh stop` stops it.
# The cluster lives under the temporary directory, not in the checkout: when run as root the server
# runs as `postgres`, which cannot enter a checkout in a folder only its owner can read.
# Trust authentication is acceptable only because the cluster is loopback-only test scaffolding.
set -euo pipefail
cd "$(dirname "$0")/.."
CHECKOUT_ID="$(printf '%s' "$PWD" | md5sum | cut -c1-12)"
ROOT="${TMPDIR:-/tmp}/cairn-pg-$CHECKOUT_ID"
mkdir -p "$ROOT"
exec 9>"$ROOT/.lock"
flock 9

BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  echo "start-postgres: PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (run scripts/install-tools.sh)" >&2
  exit 2
fi

# initdb refuses to run as root: use the package's `postgres` account then.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

if [ "$(id -u)" -eq 0 ]; then chown postgres "$ROOT"; fi

if [ "${1:-}" = "stop" ]; then
  if [ -f "$ROOT/data/postmaster.pid" ]; then as_owner "'$BIN/pg_ctl' -D '$ROOT/data' -m fast -w stop" >/dev/null; fi
  echo "stopped"
  exit 0
fi

if [ ! -f "$ROOT/data/PG_VERSION" ]; then
  as_owner "'$BIN/initdb' -D '$ROOT/data' -U cairn --auth=trust --encoding=UTF8 --no-locale" >"$ROOT/initdb.log" 2>&1 \
    || { cat "$ROOT/initdb.log" >&2; exit 1; }
fi

if ! as_owner "'$BIN/pg_ctl' -D '$ROOT/data' status" >/dev/null 2>&1; then
  PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
  as_owner "'$BIN/pg_ctl' -D '$ROOT/data' -l '$ROOT/server.log' -w -t 60 \
    -o \"-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories='$ROOT' -c fsync=off -c max_connections=200\" start" >/dev/null 9>&- \
    || { tail -20 "$ROOT/server.log" >&2; exit 1; }
  echo "$PORT" >"$ROOT/port"
fi

echo "postgres://cairn@127.0.0.1:$(cat "$ROOT/port")/postgres"
