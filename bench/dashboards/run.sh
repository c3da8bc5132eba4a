#!/bin/bash
# bench/dashboards: the dashboard queries of docs/rollups.md, with their
# plans, over rollup totals filled as a busy deployment has them (10,000 ads
# active every minute of a day, every hour of 30 days, every day of 90 days).
# Filling takes a few minutes.  Not a test.
#
#   bench/dashboards/run.sh
#   ADS=2000 bench/dashboards/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/tools/install-deps.sh"
make -C "$root" -s install >/dev/null
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), PostgreSQL $(pg_config --version | awk '{print $2}')"
here="$root/bench/dashboards"
"$root/tools/pg-virtualenv.sh" -o shared_preload_libraries=clickagg -o clickagg.database=postgres \
    -o max_wal_size=16GB -o jit=off \
    sh -c "psql -qX -c 'CREATE EXTENSION clickagg CASCADE' &&
           psql -qX -v ads=${ADS:-10000} -v minutes=1440 -v hours=720 -v days=90 -f '$here/fill.sql' &&
           psql -qX -f '$here/queries.sql' >/dev/null &&   # warm the cache once
           psql -X -f '$here/queries.sql'"
