#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server for the store tests (ctest fixture "pg", setup).
#   pg-start.sh STATE_DIR
# Writes STATE_DIR/uri (the connection URI the tests read) and STATE_DIR/datadir (for
# pg-stop.sh). PostgreSQL refuses to run as root, so as root the server runs as the `postgres`
# user on a temp directory it owns. Listens on 127.0.0.1 on a free port and on a unix socket in
# the temp directory; fsync off (test data).
set -euo pipefail
state_dir=${1:?usage: pg-start.sh STATE_DIR}
mkdir -p "$state_dir"

pg_bin=""
for dir in /usr/lib/postgresql/*/bin; do
  [[ -x "$dir/initdb" ]] && pg_bin=$dir
done
if [[ -z "$pg_bin" ]]; then
  echo "pg-start: no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)" >&2
  exit 1
fi

as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  as_pg=(runuser -u postgres --)
fi

# A previous run that was not cleaned up: stop it first.
if [[ -f "$state_dir/datadir" ]]; then
  "$(dirname "$0")/pg-stop.sh" "$state_dir" || true
fi

base=$(mktemp -d /tmp/zenhub-pg.XXXXXX)
chmod 755 "$base"
if [[ $(id -u) -eq 0 ]]; then chown postgres: "$base"; fi
echo "$base" > "$state_dir/datadir"
echo "$pg_bin" > "$state_dir/bindir"

"${as_pg[@]}" "$pg_bin/initdb" -D "$base/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
  > "$base/initdb.log" 2>&1 || { cat "$base/initdb.log" >&2; exit 1; }

# A free port: try random ones until the server starts on one (no other tool needed).
for attempt in $(seq 1 20); do
  port=$((20000 + RANDOM % 30000))
  if "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$base/data" -l "$base/server.log" -w -t 30 \
       -o "-p $port -k $base -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
       start > "$base/pg_ctl.log" 2>&1; then
    echo "postgresql://postgres@127.0.0.1:$port/postgres" > "$state_dir/uri"
    echo "pg-start: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $base"
    exit 0
  fi
  if ! grep -qi "address already in use\|could not bind\|could not create" "$base/server.log" 2>/dev/null; then
    cat "$base/pg_ctl.log" "$base/server.log" >&2 || true
    exit 1
  fi
done
echo "pg-start: no free port found" >&2
exit 1
