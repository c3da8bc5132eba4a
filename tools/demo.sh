#!/bin/bash
# `make demo`: build, install, start a throwaway cluster with clickagg (and
# pg_cron) preloaded, feed it a realistic click stream, and show what
# happened to it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/install-deps.sh"
make -C "$root" -s
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo make -C "$root" -s install >/dev/null
exec "$root/tools/pg-virtualenv.sh" \
    -o shared_preload_libraries=clickagg,pg_cron \
    -o clickagg.database=postgres \
    -o cron.database_name=postgres \
    "$root/tools/demo-inner.sh"
