#!/usr/bin/env bash
# Takes the server pg-start.sh started down, or brings it back on the same port and data: the
# outage tests' store failure.
#   pg-outage.sh STATE_DIR down|up
set -euo pipefail
state_dir=${1:?usage: pg-outage.sh STATE_DIR down|up}
action=${2:?usage: pg-outage.sh STATE_DIR down|up}
base=$(cat "$state_dir/datadir")
pg_bin=$(cat "$state_dir/bindir")
port=$(sed -E 's/.*:([0-9]+)\/.*/\1/' "$state_dir/uri")
as_pg=()
if [[ $(id -u) -eq 0 ]]; then as_pg=(runuser -u postgres --); fi
case "$action" in
  down) "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$base/data" -m fast -w -t 30 stop > /dev/null ;;
  up) "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$base/data" -l "$base/server.log" -w -t 30 \
        -o "-p $port -k $base -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start > /dev/null ;;
  *) echo "pg-outage: '$action' is not down or up" >&2; exit 2 ;;
esac
echo "pg-outage: $action"
