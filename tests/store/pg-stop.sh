#!/usr/bin/env bash
# Stops the server pg-start.sh started and removes its data (ctest fixture "pg", cleanup).
#   pg-stop.sh STATE_DIR
set -euo pipefail
state_dir=${1:?usage: pg-stop.sh STATE_DIR}
[[ -f "$state_dir/datadir" ]] || exit 0
base=$(cat "$state_dir/datadir")
pg_bin=$(cat "$state_dir/bindir")
as_pg=()
if [[ $(id -u) -eq 0 ]]; then as_pg=(runuser -u postgres --); fi
if [[ -d "$base/data" ]]; then
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$base/data" -m fast -w -t 30 stop > /dev/null 2>&1 || true
fi
case "$base" in
  /tmp/zenhub-pg.*) rm -rf "$base" ;;
esac
rm -f "$state_dir/datadir" "$state_dir/bindir" "$state_dir/uri"
echo "pg-stop: stopped"
