#!/bin/bash
# bench/ingest: clickagg ingest end to end against plain COPY and the naive
# design, measured in one run on a throwaway cluster.  Not a test.
#
#   bench/ingest/run.sh                  # 2,000,000 rows, 25% duplicates
#   ROWS=500000 bench/ingest/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/tools/install-deps.sh"
make -C "$root" -s install >/dev/null
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), PostgreSQL $(pg_config --version | awk '{print $2}')"
echo "rows: ${ROWS:-2000000}, duplicates: ${DUP_SHARE:-0.25}, batch: ${BATCH:-5000} rows, 2 loading sessions"
"$root/tools/pg-virtualenv.sh" -o shared_preload_libraries=clickagg -o clickagg.database=postgres \
    -o shared_buffers=2GB -o max_wal_size=16GB -o checkpoint_timeout=30min \
    -o synchronous_commit=on -o max_connections=50 \
    "$root/bench/ingest/inner.sh"
