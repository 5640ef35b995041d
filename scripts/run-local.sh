#!/usr/bin/env bash
# `make run`: a hub on this machine, in the foreground, on the embedded SQLite store with the
# sample model loaded, listening on 127.0.0.1:8789. Collector login: admin / zenoss.
# Usage: scripts/run-local.sh BUILD_DIR RUN_DIR
set -euo pipefail
build=${1:-build}
dir=${2:-var}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
store="sqlite://$dir/model.db"
ctl="$build/bin/zenhubctl"

if [[ ! -f "$dir/hubpasswd" ]]; then
  printf 'zenoss\n' | "$ctl" passwd --file "$dir/hubpasswd" add admin >/dev/null
  echo "run-local: created $dir/hubpasswd (user admin, password zenoss)"
fi
"$ctl" model --store "$store" init
"$ctl" model --store "$store" load config/sample-model.yaml
echo "run-local: model loaded into $store; starting zenhub (Ctrl-C to stop)"
exec "$build/bin/zenhub" --config config/zenhub.yaml --store "$store" --passwd "$dir/hubpasswd" \
  --ready-file "$dir/ready.json" --state-dir "$dir"
